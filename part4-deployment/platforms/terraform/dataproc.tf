# Dataproc cluster for the daily-revenue job: two on-demand primary workers (they hold HDFS and the
# shuffle data of the external shuffle service), spot secondary workers scaled by a policy.
resource "google_dataproc_autoscaling_policy" "daily_revenue" {
  policy_id = "daily-revenue"
  location  = "europe-west1"

  worker_config {
    min_instances = 2
    max_instances = 2
  }

  secondary_worker_config {
    min_instances = 0
    max_instances = 20
  }

  basic_algorithm {
    cooldown_period = "120s"
    yarn_config {
      graceful_decommission_timeout = "3600s"
      scale_up_factor               = 0.5
      scale_down_factor             = 1.0
    }
  }
}

resource "google_dataproc_cluster" "daily_revenue" {
  name   = "daily-revenue"
  region = "europe-west1"

  labels = {
    team        = "data-platform"
    environment = "prod"
    cost-center = "analytics"
  }

  cluster_config {
    staging_bucket = "example-dataproc-staging"

    master_config {
      num_instances = 1
      machine_type  = "n2-standard-4"
    }

    worker_config {
      num_instances = 2
      machine_type  = "n2-standard-8"
    }

    preemptible_worker_config {
      num_instances  = 0
      preemptibility = "SPOT"
    }

    software_config {
      image_version = var.dataproc_image_version
      # Every executor must fit every machine type of the cluster (SparkConfLint checks it).
      override_properties = {
        "spark:spark.executor.cores"                             = "4"
        "spark:spark.executor.memory"                            = "10g"
        "spark:spark.decommission.enabled"                       = "true"
        "spark:spark.storage.decommission.enabled"               = "true"
        "spark:spark.storage.decommission.shuffleBlocks.enabled" = "true"
        "spark:spark.eventLog.enabled"                           = "true"
        "spark:spark.eventLog.dir"                               = "gs://example-logs/spark-events/"
      }
    }

    autoscaling_config {
      policy_uri = google_dataproc_autoscaling_policy.daily_revenue.name
    }
  }
}
