"""Daily revenue: one idempotent, date-partitioned Spark run per day.

Written for Airflow 2.10 with apache-airflow-providers-apache-spark. Each run writes only its own
partition (date={{ ds }}) with dynamic partition overwrite, so a retry or a backfill of a day
replaces that day and nothing else. Checked offline by AirflowDagTest (py_compile, a stub
`airflow` package whose operators accept only the real keyword arguments, and every spark.* key
looked up in Spark's own registry of settings).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/spark-jobs/part5-enterprise.jar"
OUTPUT = "s3a://lake/marts/daily_revenue"

default_args = {
    "owner": "data-platform",
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=1),
    # Airflow 2.x only: the `sla` argument was removed in Airflow 3.0.
    "sla": timedelta(hours=2),
}

with DAG(
    dag_id="daily_revenue",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    tags=["part5", "spark"],
) as dag:
    daily_revenue = SparkSubmitOperator(
        task_id="daily_revenue",
        conn_id="spark_standalone",
        application=JAR,
        java_class="dev.advancedspark.part5.integration.DailyRevenueJob",
        name="daily-revenue-{{ ds }}",
        # Client mode: in cluster mode on standalone the operator polls the master's REST
        # server (port 6066), which a secured cluster turns off (spark.master.rest.enabled).
        deploy_mode="client",
        application_args=["--date", "{{ ds }}", "--output", OUTPUT],
        executor_cores=2,
        executor_memory="4g",
        total_executor_cores=8,
        conf={
            "spark.sql.sources.partitionOverwriteMode": "dynamic",
            "spark.sql.shuffle.partitions": "64",
            "spark.authenticate": "true",
            "spark.network.crypto.enabled": "true",
            "spark.network.crypto.cipher": "AES/GCM/NoPadding",
            "spark.io.encryption.enabled": "true",
            "spark.eventLog.enabled": "true",
        },
        # The secret comes from the Airflow connection's extra or a properties file that only
        # the Airflow worker can read, never from the DAG file.
        properties_file="/etc/spark/secrets.conf",
    )
