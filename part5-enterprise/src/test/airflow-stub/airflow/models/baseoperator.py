"""BaseOperator with Airflow 2.10's keyword arguments (a subset; unknown ones are refused)."""
from airflow.models.dag import current_dag

BASE_ARGS = {
    "task_id", "owner", "email", "email_on_retry", "email_on_failure", "retries", "retry_delay",
    "retry_exponential_backoff", "max_retry_delay", "start_date", "end_date", "depends_on_past",
    "wait_for_downstream", "dag", "params", "default_args", "priority_weight", "weight_rule",
    "queue", "pool", "pool_slots", "sla", "execution_timeout", "on_execute_callback",
    "on_failure_callback", "on_success_callback", "on_retry_callback", "trigger_rule",
    "resources", "run_as_user", "task_concurrency", "max_active_tis_per_dag", "executor_config",
    "do_xcom_push", "inlets", "outlets", "doc_md", "task_display_name",
}


class BaseOperator:
    def __init__(self, **kwargs):
        unknown = set(kwargs) - BASE_ARGS
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(unknown)}")
        if "task_id" not in kwargs:
            raise TypeError("task_id is required")
        dag = kwargs.get("dag") or current_dag()
        defaults = dict(dag.default_args) if dag else {}
        bad_defaults = set(defaults) - BASE_ARGS
        if bad_defaults:
            raise TypeError(f"default_args has unknown key(s) {sorted(bad_defaults)}")
        self.base_args = {**defaults, **kwargs}
        self.task_id = kwargs["task_id"]
        if dag:
            dag.tasks.append(self)
