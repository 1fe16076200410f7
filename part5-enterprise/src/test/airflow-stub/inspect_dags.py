"""Imports every DAG file given and prints its DAGs and tasks as JSON (for AirflowDagTest)."""
import datetime
import importlib.util
import json
import sys

from airflow.models.dag import DAG


def plain(v):
    if isinstance(v, (datetime.timedelta,)):
        return v.total_seconds()
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


out = []
for path in sys.argv[1:]:
    spec = importlib.util.spec_from_file_location("dag_" + str(len(out)), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for dag in [v for v in vars(module).values() if isinstance(v, DAG)]:
        out.append({
            "dag_id": dag.dag_id,
            "kwargs": plain({k: v for k, v in dag.kwargs.items() if k != "default_args"}),
            "default_args": plain(dag.default_args),
            "tasks": [{"task_id": t.task_id, "operator": type(t).__name__,
                       "base_args": plain(t.base_args),
                       "spark_args": plain(getattr(t, "spark_args", {}))} for t in dag.tasks],
        })
print(json.dumps(out))
