"""A stub of the few Airflow names the DAGs use: same keyword arguments, no behaviour."""
from airflow.models.dag import DAG  # noqa: F401
