package dev.advancedspark.part5.tenancy;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;

/**
 * Two tenants on one SparkContext under the FAIR scheduler: pools with weights and minimum shares
 * come from an allocation file; each tenant's jobs run in its pool ({@code
 * sc.setLocalProperty("spark.scheduler.pool", ...)} on the submitting thread). When both pools have
 * work, a freed task slot goes first to a pool below its {@code minShare}, then to the pool with
 * the fewest running tasks per unit of weight ({@code FairSchedulingAlgorithm}); so a tenant that
 * came first with a big job cannot keep the whole application, as it does under FIFO.
 *
 * <p>Why 8 slots in the example and its test: with 2 slots, weights 3:1 cannot show (running tasks
 * per weight: etl 1/3 against adhoc 1/1 gives the free slot to etl, then etl 2/3 against adhoc 0/1
 * gives it back to adhoc, so the steady state is 1:1). With 8 slots the steady state is 5 or 6
 * running for etl against 2 or 3 for adhoc (ties go to the pool whose name sorts first), so adhoc
 * gets about a quarter to three eighths of the task starts while both have work.
 *
 * <p>Why task starts are counted, not running tasks: the listener bus may deliver a task's end
 * after the start of the task that took its slot (the end goes through the result-getter thread),
 * so running counts rebuilt from events can overshoot for a moment; the ORDER of task starts is
 * exact (they are posted by the scheduler as it launches them).
 *
 * <pre>
 * bin/run-example FairPools
 * </pre>
 *
 * Expected output, FAIR then FIFO: the running tasks per pool each time a task starts while both
 * jobs have work; under FAIR adhoc starts while etl still has tasks waiting, under FIFO it waits
 * until every etl task has been launched.
 */
@RunnableExample("Multi-tenancy: FAIR pools with weights and min shares vs FIFO, counted")
public final class FairPools {

  static final ExampleArgs ARGS =
      ExampleArgs.forTool("FairPools")
          .count("slots", "8", "task slots (local[N] threads)")
          .option("dir", "target/part5/fair-pools", "folder for the allocation file");

  /** One pool of the allocation file. */
  public record Pool(String name, int weight, int minShare) {}

  /** The pools of the example: a batch tenant with weight 3, an interactive one with a floor. */
  public static final List<Pool> POOLS = List.of(new Pool("etl", 3, 0), new Pool("adhoc", 1, 2));

  private FairPools() {}

  // tag::allocation-file[]
  /** Writes a {@code fairscheduler.xml} for {@code pools}; each pool shares FAIR inside. */
  public static Path writeAllocationFile(Path file, List<Pool> pools) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    for (Pool p : pools) {
      xml.append("  <pool name=\"")
          .append(p.name())
          .append("\">\n    <schedulingMode>FAIR</schedulingMode>\n    <weight>")
          .append(p.weight())
          .append("</weight>\n    <minShare>")
          .append(p.minShare())
          .append("</minShare>\n  </pool>\n");
    }
    xml.append("</allocations>\n");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  /** A local session with {@code slots} task slots under the given scheduler mode. */
  public static SparkSession session(int slots, String mode, Path allocationFile) {
    return SparkSession.builder()
        .master("local[" + slots + "]")
        .appName("FairPools-" + mode)
        .config("spark.scheduler.mode", mode)
        .config("spark.scheduler.allocation.file", allocationFile.toAbsolutePath().toString())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  // end::allocation-file[]

  /**
   * One task start, in the order the scheduler launched them: the pool that got the slot, and how
   * many etl tasks had been launched so far.
   */
  public record Launch(String pool, int etlTasksLaunched) {}

  /**
   * What happened.
   *
   * @param launches every task start, in order
   * @param etlTasks tasks of the etl job
   * @param firstAdhocLaunch index in {@code launches} of adhoc's first task
   * @param lastEtlLaunch index of etl's last task
   */
  public record Contention(
      List<Launch> launches, int etlTasks, int firstAdhocLaunch, int lastEtlLaunch) {

    /** Task starts between adhoc's first one and etl's last one: when both pools wanted slots. */
    public List<Launch> contended() {
      if (firstAdhocLaunch < 0 || firstAdhocLaunch > lastEtlLaunch) {
        return List.of();
      }
      return launches.subList(firstAdhocLaunch, lastEtlLaunch + 1);
    }

    /** The share of the contended task starts that went to {@code pool}. */
    public double share(String pool) {
      List<Launch> c = contended();
      return c.isEmpty()
          ? 0
          : c.stream().filter(l -> l.pool().equals(pool)).count() / (double) c.size();
    }
  }

  /**
   * Counted down when adhoc's job has started; etl's tasks wait for it (local mode: the tasks run
   * in this JVM) so that adhoc always arrives while etl has launched only its first wave, however
   * slowly a loaded machine plans adhoc's job. Without it the comparison depends on timing.
   */
  private static volatile CountDownLatch adhocStarted = new CountDownLatch(0);

  // tag::two-tenants[]
  /**
   * Submits etl's job ({@code etlTasks} tasks of {@code taskMillis} each) in pool {@code etl},
   * waits until its first task runs, then adhoc's job in pool {@code adhoc}, and records every task
   * start from the listener bus. etl's first wave holds its slots until adhoc's job has started.
   * Never waits longer than {@code deadline}.
   */
  public static Contention runTwoTenants(
      SparkSession spark, int etlTasks, int adhocTasks, long taskMillis, Duration deadline) {
    SparkContext sc = spark.sparkContext();
    Map<Integer, String> stagePool = new ConcurrentHashMap<>();
    int[] etlLaunched = {0};
    List<Launch> launches = new CopyOnWriteArrayList<>();
    CountDownLatch firstTask = new CountDownLatch(1);
    CountDownLatch adhocJob = new CountDownLatch(1);
    adhocStarted = adhocJob;
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart job) {
            String pool = job.properties().getProperty("spark.scheduler.pool", "default");
            for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())) {
              stagePool.put((Integer) id, pool);
            }
            if (pool.equals("adhoc")) {
              adhocJob.countDown();
            }
          }

          @Override
          public synchronized void onTaskStart(SparkListenerTaskStart t) {
            String pool = stagePool.get(t.stageId());
            if (pool == null) {
              return;
            }
            if (pool.equals("etl")) {
              etlLaunched[0]++;
            }
            launches.add(new Launch(pool, etlLaunched[0]));
            firstTask.countDown();
          }
        };
    sc.addSparkListener(listener);
    try {
      CompletableFuture<Long> etl = submit(spark, "etl", etlTasks, taskMillis, deadline);
      long end = System.nanoTime() + deadline.toNanos();
      if (!firstTask.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("etl's first task did not start within " + deadline);
      }
      CompletableFuture<Long> adhoc = submit(spark, "adhoc", adhocTasks, taskMillis, deadline);
      long left = Math.max(1, end - System.nanoTime());
      CompletableFuture.allOf(etl, adhoc).get(left, TimeUnit.NANOSECONDS);
      sc.listenerBus().waitUntilEmpty(30_000);
    } catch (Exception e) {
      sc.cancelAllJobs();
      throw new IllegalStateException("The two tenants' jobs did not finish within " + deadline, e);
    } finally {
      adhocJob.countDown();
      sc.removeSparkListener(listener);
    }
    List<Launch> all = new ArrayList<>(launches);
    int firstAdhoc = -1;
    int lastEtl = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).pool().equals("adhoc") && firstAdhoc < 0) {
        firstAdhoc = i;
      }
      if (all.get(i).pool().equals("etl")) {
        lastEtl = i;
      }
    }
    return new Contention(all, etlTasks, firstAdhoc, lastEtl);
  }

  private static CompletableFuture<Long> submit(
      SparkSession spark, String pool, int tasks, long taskMillis, Duration deadline) {
    boolean waitForAdhoc = pool.equals("etl");
    long waitMillis = deadline.toMillis();
    return CompletableFuture.supplyAsync(
        () -> {
          // The pool is a property of the submitting thread.
          spark.sparkContext().setLocalProperty("spark.scheduler.pool", pool);
          try {
            return spark
                .range(0, tasks, 1, tasks)
                .javaRDD()
                .map(
                    id -> {
                      if (waitForAdhoc && !adhocStarted.await(waitMillis, TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("adhoc's job did not start in time");
                      }
                      Thread.sleep(taskMillis); // a task that holds its slot a while
                      return id;
                    })
                .count();
          } finally {
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
          }
        });
  }

  // end::two-tenants[]

  static Map<String, Object> describe(Contention c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task starts", c.launches().size());
    m.put("while both wanted slots", c.contended().size());
    m.put("adhoc's share of them", String.format("%.2f", c.share("adhoc")));
    m.put(
        "etl tasks launched before adhoc's first",
        c.firstAdhocLaunch() < 0 ? -1 : c.launches().get(c.firstAdhocLaunch()).etlTasksLaunched());
    return m;
  }

  public static void main(String[] args) {
    // A tool, not Examples.run: the scheduler mode is fixed when a context starts, so it starts its
    // own two sessions.
    Examples.runTool(args, ARGS, FairPools::compareModes);
  }

  static void compareModes(ExampleArgs.Parsed opts) {
    int slots = opts.getPositiveInt("slots");
    Path file = writeAllocationFile(Path.of(opts.get("dir"), "fairscheduler.xml"), POOLS);
    for (String mode : List.of("FAIR", "FIFO")) {
      SparkSession spark = session(slots, mode, file);
      try {
        Contention c = runTwoTenants(spark, 6 * slots, 4 * slots, 100, Duration.ofMinutes(2));
        System.out.println(mode + ": " + describe(c) + " (etl job: " + c.etlTasks() + " tasks)");
      } finally {
        spark.stop();
      }
    }
  }
}
