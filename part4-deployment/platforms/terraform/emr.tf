# EMR cluster for the daily-revenue job: on-demand master and core fleets (HDFS and the driver live
# there), a spot task fleet spread over three instance types, managed scaling, logs to S3.
resource "aws_emr_cluster" "daily_revenue" {
  name                              = "daily-revenue"
  release_label                     = var.emr_release_label
  applications                      = ["Spark"]
  service_role                      = "EMR_DefaultRole"
  log_uri                           = "s3://example-logs/emr/daily-revenue/"
  keep_job_flow_alive_when_no_steps = true
  termination_protection            = false

  ec2_attributes {
    subnet_id        = var.subnet_id
    instance_profile = "EMR_EC2_DefaultRole"
  }

  master_instance_fleet {
    name                      = "master"
    target_on_demand_capacity = 1
    instance_type_configs {
      instance_type = "m5.xlarge"
    }
  }

  core_instance_fleet {
    name                      = "core"
    target_on_demand_capacity = 2
    instance_type_configs {
      instance_type     = "m5.2xlarge"
      weighted_capacity = 1
    }
    instance_type_configs {
      instance_type     = "m6i.2xlarge"
      weighted_capacity = 1
    }
  }

  # Every executor must fit the smallest instance type of every fleet (SparkConfLint checks it).
  configurations_json = jsonencode([
    {
      Classification = "spark-defaults"
      Properties = {
        "spark.executor.cores"                             = "4"
        "spark.executor.memory"                            = "8g"
        "spark.executor.memoryOverhead"                    = "1g"
        "spark.dynamicAllocation.enabled"                  = "true"
        "spark.decommission.enabled"                       = "true"
        "spark.storage.decommission.enabled"               = "true"
        "spark.storage.decommission.shuffleBlocks.enabled" = "true"
        "spark.eventLog.enabled"                           = "true"
        "spark.eventLog.dir"                               = "s3://example-logs/spark-events/"
      }
    }
  ])

  tags = {
    team        = "data-platform"
    environment = "prod"
    cost-center = "analytics"
  }
}

resource "aws_emr_instance_fleet" "task_spot" {
  cluster_id           = aws_emr_cluster.daily_revenue.id
  name                 = "task-spot"
  target_spot_capacity = 8

  instance_type_configs {
    instance_type                              = "m5.2xlarge"
    weighted_capacity                          = 1
    bid_price_as_percentage_of_on_demand_price = 100
  }
  instance_type_configs {
    instance_type                              = "m6i.2xlarge"
    weighted_capacity                          = 1
    bid_price_as_percentage_of_on_demand_price = 100
  }
  instance_type_configs {
    instance_type                              = "r5.2xlarge"
    weighted_capacity                          = 1
    bid_price_as_percentage_of_on_demand_price = 100
  }

  launch_specifications {
    spot_specification {
      allocation_strategy      = "capacity-optimized"
      timeout_action           = "SWITCH_TO_ON_DEMAND"
      timeout_duration_minutes = 10
    }
  }
}

resource "aws_emr_managed_scaling_policy" "daily_revenue" {
  cluster_id = aws_emr_cluster.daily_revenue.id
  compute_limits {
    unit_type                       = "InstanceFleetUnits"
    minimum_capacity_units          = 2
    maximum_capacity_units          = 12
    maximum_ondemand_capacity_units = 2
    maximum_core_capacity_units     = 2
  }
}
