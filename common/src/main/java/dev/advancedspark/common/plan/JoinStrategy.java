package dev.advancedspark.common.plan;

import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.execution.joins.BroadcastNestedLoopJoinExec;
import org.apache.spark.sql.execution.joins.CartesianProductExec;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;

/** The physical join operators Spark can choose, as they appear in an executed plan. */
public enum JoinStrategy {
  BROADCAST_HASH(BroadcastHashJoinExec.class),
  SHUFFLED_HASH(ShuffledHashJoinExec.class),
  SORT_MERGE(SortMergeJoinExec.class),
  BROADCAST_NESTED_LOOP(BroadcastNestedLoopJoinExec.class),
  CARTESIAN_PRODUCT(CartesianProductExec.class);

  private final Class<? extends SparkPlan> operator;

  JoinStrategy(Class<? extends SparkPlan> operator) {
    this.operator = operator;
  }

  public Class<? extends SparkPlan> operator() {
    return operator;
  }

  /** The strategy of a plan node, or null when the node is not a join. */
  public static JoinStrategy of(SparkPlan node) {
    for (JoinStrategy s : values()) {
      if (s.operator.isInstance(node)) {
        return s;
      }
    }
    return null;
  }
}
