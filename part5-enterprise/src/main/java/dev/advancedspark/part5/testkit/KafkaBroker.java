package dev.advancedspark.part5.testkit;

import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.io.SparkFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node Kafka broker (KRaft mode, broker and controller in one process) in its own
 * JVM, bound to 127.0.0.1 on free ports, started from Maven jars: no Docker, no download.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start(Path.of("target/kafka"))) {
 *   kafka.createTopic("events", 2);
 *   spark.readStream().format("kafka").option("kafka.bootstrap.servers", kafka.bootstrapServers())...
 * } // the broker JVM is ended here, pass or fail
 * }</pre>
 *
 * <p>Why its own JVM: Spark 4.2's Kafka connector is built against kafka-clients 3.9.2, the broker
 * (kafka_2.13 4.1.x) needs kafka-clients 4.1.x; on one class path one side gets the wrong clients.
 * The broker's class path is resolved by the {@code part5-enterprise/kafka-broker} module into
 * {@code kafka-broker/target/kafka-broker.classpath} (system property {@value #CLASSPATH_PROPERTY}
 * overrides the location).
 *
 * <p>How it starts, as Kafka's own quickstart does: {@code kafka.tools.StorageTool format} writes
 * the cluster id into the log folder, then {@code kafka.Kafka server.properties}. The broker runs
 * under {@link ParentWatchdog}, so it exits if the JVM that started it dies without running its
 * shutdown hooks (kill -9, a CI timeout); {@link #close()} and a shutdown hook end it otherwise.
 */
public final class KafkaBroker implements AutoCloseable {

  /** System property with the path of the broker's class-path file. */
  public static final String CLASSPATH_PROPERTY = "kafka.broker.classpath.file";

  public static final String HOST = "127.0.0.1";

  private static final long READY_SECONDS = 90;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(READY_SECONDS);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Process process;
  private final Path log;
  private final String bootstrapServers;
  private final Thread shutdownHook;

  private KafkaBroker(Process process, Path log, String bootstrapServers) {
    this.process = process;
    this.log = log;
    this.bootstrapServers = bootstrapServers;
    this.shutdownHook = new Thread(() -> SparkDaemons.stop(process), "stop-kafka-broker");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Formats a fresh log folder under {@code workDir} (wiped first) and starts the broker; returns
   * once it answers a metadata request, or fails within {@value #READY_SECONDS} s naming its log.
   */
  public static KafkaBroker start(Path workDir) {
    String classPath = brokerClassPath();
    try {
      SparkFolders.deleteRecursively(workDir);
      Files.createDirectories(workDir);
      int brokerPort = freePort();
      int controllerPort = freePort();
      Path config = workDir.resolve("server.properties");
      Files.writeString(config, serverProperties(workDir, brokerPort, controllerPort));
      Path log = workDir.resolve("kafka.log");

      Process format =
          java(
                  classPath,
                  List.of(
                      "kafka.tools.StorageTool",
                      "format",
                      "-t",
                      clusterId(),
                      "-c",
                      config.toString()),
                  workDir.resolve("format.log"))
              .start();
      if (!format.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        format.destroyForcibly();
        throw new IllegalStateException(
            "Kafka storage format did not finish in " + READY_TIMEOUT.toSeconds() + " s");
      }
      if (format.exitValue() != 0) {
        throw new IllegalStateException(
            "Kafka storage format failed (exit "
                + format.exitValue()
                + "): "
                + SparkDaemons.tail(workDir.resolve("format.log")));
      }

      List<String> args = new ArrayList<>();
      args.add(ParentWatchdog.class.getName());
      args.add(Long.toString(ProcessHandle.current().pid()));
      args.add("kafka.Kafka");
      args.add(config.toString());
      Process broker =
          java(classPath + java.io.File.pathSeparator + commonClasses(), args, log).start();
      KafkaBroker kafka = new KafkaBroker(broker, log, HOST + ":" + brokerPort);
      try {
        kafka.awaitReady();
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the Kafka broker in " + workDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the Kafka broker", e);
    }
  }

  /** {@code 127.0.0.1:port}, for {@code kafka.bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker's process id (for a test that checks it is gone after {@link #close()}). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Creates a topic with {@code partitions} partitions (replication 1), waiting at most 30 s. */
  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(clientConf())) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create topic " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code records} (key, value) to {@code topic} and waits until all are acknowledged. */
  public void send(String topic, List<Map.Entry<String, String>> records) {
    send(bootstrapServers, topic, records);
  }

  /**
   * Sends {@code records} to a topic of any broker with an idempotent producer (acks=all: no loss,
   * no duplicate from a producer retry) and waits until all are acknowledged.
   */
  public static void send(
      String bootstrapServers, String topic, List<Map.Entry<String, String>> records) {
    Map<String, Object> conf = new java.util.HashMap<>();
    conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    conf.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    conf.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    conf.put(ProducerConfig.ACKS_CONFIG, "all");
    conf.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    conf.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    conf.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(conf)) {
      for (Map.Entry<String, String> r : records) {
        producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
      }
      producer.flush();
    }
  }

  @Override
  public void close() {
    SparkDaemons.stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private Map<String, Object> clientConf() {
    Map<String, Object> conf = new java.util.HashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return conf;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> conf = clientConf();
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(conf)) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "The Kafka broker exited (code "
                  + process.exitValue()
                  + "): "
                  + SparkDaemons.tail(log));
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          // the broker is still starting
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "The Kafka broker did not answer within "
                  + READY_TIMEOUT.toSeconds()
                  + " s; its log "
                  + log
                  + " ends with: "
                  + SparkDaemons.tail(log));
        }
        // waitFor doubles as the poll interval and returns early if the broker dies
        process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  static String serverProperties(Path workDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.setProperty("log.dirs", workDir.resolve("data").toAbsolutePath().toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    StringBuilder sb = new StringBuilder("# written by KafkaBroker\n");
    p.stringPropertyNames().stream()
        .sorted()
        .forEach(k -> sb.append(k).append('=').append(p.getProperty(k)).append('\n'));
    return sb.toString();
  }

  /** A Kafka cluster id: 16 random bytes, URL-safe Base64 without padding (Kafka's Uuid form). */
  static String clusterId() {
    UUID u = UUID.randomUUID();
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  static String brokerClassPath() {
    String configured = System.getProperty(CLASSPATH_PROPERTY);
    // From the repository root (bin/run-example) or from the module folder (Maven's tests).
    Path file =
        configured != null
            ? Path.of(configured)
            : Stream.of(
                    Path.of("part5-enterprise/kafka-broker/target/kafka-broker.classpath"),
                    Path.of("kafka-broker/target/kafka-broker.classpath"))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElse(Path.of("part5-enterprise/kafka-broker/target/kafka-broker.classpath"));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The Kafka broker's class path file is missing: "
              + file.toAbsolutePath()
              + ". Build it with: mvn -pl part5-enterprise/kafka-broker package");
    }
    try {
      String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (cp.isEmpty()) {
        throw new IllegalStateException("The Kafka broker's class path file is empty: " + file);
      }
      return cp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProcessBuilder java(String classPath, List<String> args, Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small broker: C1 only (starts faster), a small heap, serial GC on a 2-core machine.
    cmd.addAll(List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
  }

  private static String commonClasses() {
    try {
      return Path.of(
              ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }
}
