"""DAG with the keyword arguments of Airflow 2.10's DAG (a subset; unknown ones are refused)."""

_CURRENT = []

ALLOWED = {
    "dag_id", "description", "schedule", "start_date", "end_date", "default_args", "catchup",
    "max_active_runs", "max_active_tasks", "dagrun_timeout", "tags", "params", "doc_md",
    "template_searchpath", "user_defined_macros", "render_template_as_native_obj",
    "is_paused_upon_creation", "on_success_callback", "on_failure_callback", "owner_links",
}


class DAG:
    def __init__(self, dag_id=None, **kwargs):
        unknown = set(kwargs) - ALLOWED
        if unknown:
            raise TypeError(f"DAG() got unexpected keyword argument(s) {sorted(unknown)}")
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args", {})
        self.tasks = []

    def __enter__(self):
        _CURRENT.append(self)
        return self

    def __exit__(self, *exc):
        _CURRENT.pop()
        return False


def current_dag():
    return _CURRENT[-1] if _CURRENT else None
