package dev.advancedspark.part4.iac;

import dev.advancedspark.part4.iac.StrictHcl.Block;
import dev.advancedspark.part4.iac.StrictHcl.Body;
import dev.advancedspark.part4.iac.StrictHcl.Call;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Policies for the Spark clusters in Terraform, checked offline on the parsed files: the rules a
 * platform team reviews by hand, as code.
 *
 * <ul>
 *   <li>Spot: EMR master and core fleets and Dataproc primary workers are on-demand (HDFS, and the
 *       application masters by EMR's default), spot capacity is 50-90 % of the EMR worker capacity,
 *       spread over at least three instance types with a capacity-optimized strategy and a fallback
 *       to on-demand; Dataproc secondary workers are {@code SPOT}.
 *   <li>Tags: {@code team}, {@code environment}, {@code cost-center} on every cluster.
 *   <li>Logs: EMR {@code log_uri} on S3; Spark event logs on, to a bucket, on both clusters.
 *   <li>Autoscaling bounds: min at most max; EMR on-demand and core units capped at the core fleet;
 *       Dataproc primary workers fixed, at most 20 secondary workers, a cooldown of at least 2
 *       minutes and a graceful decommission timeout of at least 10 minutes, scale factors in (0,
 *       1].
 *   <li>Spot needs decommissioning: {@code spark.decommission.enabled=true} and shuffle block
 *       migration where spot capacity is used.
 * </ul>
 *
 * Spark keys and memory in these files are checked by {@code SparkConfLint} as in every platform
 * file.
 */
public final class TerraformPolicies {

  static final List<String> REQUIRED_TAGS = List.of("team", "environment", "cost-center");

  private TerraformPolicies() {}

  /** Parses every {@code .tf} file of a folder (strictly: a syntax error is an exception). */
  public static List<Body> parseFolder(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.toString().endsWith(".tf"))
          .sorted()
          .map(TerraformPolicies::parseFile)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Body parseFile(Path file) {
    try {
      return StrictHcl.parse(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The resource blocks of one type, across files. */
  static List<Block> resources(List<Body> files, String type) {
    List<Block> out = new ArrayList<>();
    for (Body f : files) {
      for (Block b : f.blocks("resource")) {
        if (b.labels().get(0).equals(type)) {
          out.add(b);
        }
      }
    }
    return out;
  }

  /** Every policy violation, one readable line each; empty when all hold. */
  public static List<String> violations(List<Body> files) {
    List<String> v = new ArrayList<>();
    emr(files, v);
    dataproc(files, v);
    return v;
  }

  private static void emr(List<Body> files, List<String> v) {
    for (Block cluster : resources(files, "aws_emr_cluster")) {
      String name = "aws_emr_cluster." + cluster.labels().get(1);
      Body c = cluster.body();
      tags(name, c.attributes().get("tags"), v);
      Object logUri = c.attributes().get("log_uri");
      if (!(logUri instanceof String s) || !s.startsWith("s3://")) {
        v.add(name + ": log_uri must be an s3:// location, got " + logUri);
      }
      double coreOnDemand = 0;
      for (String fleet : List.of("master_instance_fleet", "core_instance_fleet")) {
        Body f = c.block(fleet).body();
        if (number(f, "target_spot_capacity") > 0) {
          v.add(
              name + ": " + fleet + " must be on-demand (HDFS and application masters live there)");
        }
        if (fleet.startsWith("core")) {
          coreOnDemand = number(f, "target_on_demand_capacity");
        }
      }
      Map<String, String> spark = emrSparkDefaults(name, c, v);
      double spot = 0;
      for (Block fleet : resources(files, "aws_emr_instance_fleet")) {
        Body f = fleet.body();
        String fname = "aws_emr_instance_fleet." + fleet.labels().get(1);
        spot += number(f, "target_spot_capacity");
        if (number(f, "target_spot_capacity") > 0) {
          if (f.blocks("instance_type_configs").size() < 3) {
            v.add(
                fname
                    + ": spread spot over at least 3 instance types, got "
                    + f.blocks("instance_type_configs").size());
          }
          Body spec = f.block("launch_specifications").body().block("spot_specification").body();
          Object strategy = spec.attributes().get("allocation_strategy");
          if (!List.of("capacity-optimized", "price-capacity-optimized").contains(strategy)) {
            v.add(fname + ": use a capacity-optimized spot allocation strategy, got " + strategy);
          }
          if (!"SWITCH_TO_ON_DEMAND".equals(spec.attributes().get("timeout_action"))) {
            v.add(fname + ": spot timeout_action should be SWITCH_TO_ON_DEMAND");
          }
        }
      }
      double share = spot / (spot + coreOnDemand);
      if (share < 0.5 || share > 0.9) {
        v.add(
            String.format(
                "%s: spot share of worker capacity must be 50-90%%, got %.0f%%",
                name, 100 * share));
      }
      if (spot > 0) {
        decommission(name, spark, v);
      }
      for (Block policy : resources(files, "aws_emr_managed_scaling_policy")) {
        Body limits = policy.body().block("compute_limits").body();
        double min = number(limits, "minimum_capacity_units");
        double max = number(limits, "maximum_capacity_units");
        if (min > max) {
          v.add("aws_emr_managed_scaling_policy: minimum " + min + " above maximum " + max);
        }
        if (number(limits, "maximum_ondemand_capacity_units") > coreOnDemand
            || number(limits, "maximum_core_capacity_units") > coreOnDemand) {
          v.add(
              "aws_emr_managed_scaling_policy: on-demand and core units must stay at the core"
                  + " fleet's "
                  + (long) coreOnDemand
                  + ": scaling adds spot task capacity only");
        }
      }
    }
  }

  /** The spark-defaults classification of {@code configurations_json = jsonencode([...])}. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> emrSparkDefaults(String name, Body c, List<String> v) {
    if (c.attributes().get("configurations_json") instanceof Call call
        && call.function().equals("jsonencode")
        && call.args().get(0) instanceof List<?> classifications) {
      for (Object o : classifications) {
        if (o instanceof Map<?, ?> m && "spark-defaults".equals(m.get("Classification"))) {
          return (Map<String, String>) m.get("Properties");
        }
      }
    }
    v.add(name + ": no spark-defaults classification in configurations_json");
    return Map.of();
  }

  private static void dataproc(List<Body> files, List<String> v) {
    for (Block cluster : resources(files, "google_dataproc_cluster")) {
      String name = "google_dataproc_cluster." + cluster.labels().get(1);
      Body c = cluster.body();
      tags(name, c.attributes().get("labels"), v);
      Body config = c.block("cluster_config").body();
      double primary = number(config.block("worker_config").body(), "num_instances");
      Body secondary = config.block("preemptible_worker_config").body();
      boolean spot = "SPOT".equals(secondary.attributes().get("preemptibility"));
      if (!spot) {
        v.add(
            name
                + ": secondary workers should be SPOT, got "
                + secondary.attributes().get("preemptibility"));
      }
      Map<String, String> spark = new java.util.LinkedHashMap<>();
      Object props = config.block("software_config").body().attributes().get("override_properties");
      if (props instanceof Map<?, ?> m) {
        m.forEach(
            (k, val) -> {
              if (k.toString().startsWith("spark:")) {
                spark.put(k.toString().substring("spark:".length()), String.valueOf(val));
              }
            });
      }
      if (spot) {
        decommission(name, spark, v);
      }
      if (config.blocks("autoscaling_config").isEmpty()) {
        v.add(name + ": no autoscaling_config");
      }
      for (Block policy : resources(files, "google_dataproc_autoscaling_policy")) {
        String pname = "google_dataproc_autoscaling_policy." + policy.labels().get(1);
        Body p = policy.body();
        Body workers = p.block("worker_config").body();
        if (number(workers, "min_instances") != primary
            || number(workers, "max_instances") != primary) {
          v.add(
              pname
                  + ": keep primary workers fixed at the cluster's "
                  + (long) primary
                  + " (they hold HDFS and shuffle data): scale secondary workers");
        }
        Body sec = p.block("secondary_worker_config").body();
        double min = number(sec, "min_instances");
        double max = number(sec, "max_instances");
        if (min > max || max > 20) {
          v.add(
              pname
                  + ": secondary workers need 0 <= min <= max <= 20, got "
                  + (long) min
                  + ".."
                  + (long) max);
        }
        Body algo = p.block("basic_algorithm").body();
        if (seconds(algo.attributes().get("cooldown_period")) < 120) {
          v.add(pname + ": cooldown_period must be at least 120s");
        }
        Body yarn = algo.block("yarn_config").body();
        if (seconds(yarn.attributes().get("graceful_decommission_timeout")) < 600) {
          v.add(pname + ": graceful_decommission_timeout below 600s kills running containers");
        }
        for (String f : List.of("scale_up_factor", "scale_down_factor")) {
          double x = number(yarn, f);
          if (x <= 0 || x > 1) {
            v.add(pname + ": " + f + " must be in (0, 1], got " + x);
          }
        }
      }
    }
  }

  private static void decommission(String name, Map<String, String> spark, List<String> v) {
    for (String key :
        List.of(
            "spark.decommission.enabled",
            "spark.storage.decommission.enabled",
            "spark.storage.decommission.shuffleBlocks.enabled")) {
      if (!"true".equals(spark.get(key))) {
        v.add(name + ": uses spot capacity but does not set " + key + "=true");
      }
    }
    String dir = spark.get("spark.eventLog.dir");
    if (!"true".equals(spark.get("spark.eventLog.enabled"))
        || dir == null
        || !(dir.startsWith("s3://") || dir.startsWith("gs://"))) {
      v.add(name + ": Spark event logs must be on and in a bucket (spark.eventLog.dir)");
    }
  }

  private static void tags(String name, Object tags, List<String> v) {
    Map<?, ?> m = tags instanceof Map<?, ?> t ? t : Map.of();
    for (String tag : REQUIRED_TAGS) {
      if (!m.containsKey(tag)) {
        v.add(name + ": missing tag/label '" + tag + "'");
      }
    }
  }

  private static double number(Body b, String attribute) {
    Object o = b.attributes().get(attribute);
    return o instanceof Double d ? d : 0;
  }

  private static long seconds(Object duration) {
    if (duration instanceof String s && s.matches("\\d+s")) {
      return Long.parseLong(s.substring(0, s.length() - 1));
    }
    return -1;
  }
}
