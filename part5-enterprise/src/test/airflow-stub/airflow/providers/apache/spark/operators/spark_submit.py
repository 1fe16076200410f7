"""SparkSubmitOperator with the keyword arguments of apache-airflow-providers-apache-spark
(names read from the provider's source); unknown ones are refused, as Python would."""
from airflow.models.baseoperator import BaseOperator

SPARK_ARGS = {
    "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path",
    "jars", "java_class", "packages", "exclude_packages", "repositories",
    "total_executor_cores", "executor_cores", "executor_memory", "driver_memory", "keytab",
    "principal", "proxy_user", "name", "num_executors", "status_poll_interval",
    "application_args", "env_vars", "verbose", "spark_binary", "properties_file",
    "yarn_queue", "deploy_mode", "use_krb5ccache",
}


class SparkSubmitOperator(BaseOperator):
    def __init__(self, **kwargs):
        spark = {k: v for k, v in kwargs.items() if k in SPARK_ARGS}
        super().__init__(**{k: v for k, v in kwargs.items() if k not in SPARK_ARGS})
        self.spark_args = spark
