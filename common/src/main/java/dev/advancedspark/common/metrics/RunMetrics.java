package dev.advancedspark.common.metrics;

/**
 * What a block of Spark work did, summed over its tasks: the numbers that find a bottleneck.
 *
 * @param jobs jobs that ended in the block
 * @param stages stages that completed (skipped stages, whose shuffle output already existed, are
 *     not counted)
 * @param tasks tasks that ended, successful or not
 * @param failedTasks tasks that ended in failure (a lost executor, an exception); Spark retried
 *     them
 * @param inputBytes bytes read from files or tables
 * @param inputRecords records read from files or tables
 * @param outputBytes bytes written by the block
 * @param shuffleWriteBytes bytes written to shuffle files (map side of an exchange)
 * @param shuffleWriteRecords records written to shuffle files
 * @param shuffleReadBytes bytes read from shuffle files, local and remote
 * @param shuffleReadRecords records read from shuffle files
 * @param memorySpillBytes in-memory size of data spilled to disk
 * @param diskSpillBytes on-disk size of spilled data
 * @param jvmGcMillis time the executors spent in GC while running the tasks
 * @param executorRunMillis sum of task run times
 * @param maxTaskMillis the longest task
 * @param medianTaskMillis the median task duration
 * @param executorsRemoved executors lost while the block ran
 */
public record RunMetrics(
    int jobs,
    int stages,
    int tasks,
    int failedTasks,
    long inputBytes,
    long inputRecords,
    long outputBytes,
    long shuffleWriteBytes,
    long shuffleWriteRecords,
    long shuffleReadBytes,
    long shuffleReadRecords,
    long memorySpillBytes,
    long diskSpillBytes,
    long jvmGcMillis,
    long executorRunMillis,
    long maxTaskMillis,
    long medianTaskMillis,
    int executorsRemoved) {

  /** Task skew: the longest task over the median one (1.0 means even tasks). */
  public double taskSkew() {
    return medianTaskMillis == 0
        ? (maxTaskMillis == 0 ? 1.0 : maxTaskMillis)
        : (double) maxTaskMillis / medianTaskMillis;
  }

  /** True when any task spilled to disk. */
  public boolean spilled() {
    return diskSpillBytes > 0 || memorySpillBytes > 0;
  }

  /** A short, readable summary for an example's output. */
  public String summary() {
    return String.format(
        "jobs=%d stages=%d tasks=%d (failed %d) input=%s/%d rec shuffleWrite=%s/%d rec shuffleRead=%s"
            + " spill(mem/disk)=%s/%s gc=%d ms run=%d ms taskMax/median=%d/%d ms",
        jobs,
        stages,
        tasks,
        failedTasks,
        bytes(inputBytes),
        inputRecords,
        bytes(shuffleWriteBytes),
        shuffleWriteRecords,
        bytes(shuffleReadBytes),
        bytes(memorySpillBytes),
        bytes(diskSpillBytes),
        jvmGcMillis,
        executorRunMillis,
        maxTaskMillis,
        medianTaskMillis);
  }

  /** 1536 -> "1.5 KiB". */
  public static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
