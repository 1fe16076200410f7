package dev.advancedspark.part5.testkit;

import dev.advancedspark.common.cluster.ClassPathJvm;
import dev.advancedspark.common.cluster.ParentWatchdog;
import dev.advancedspark.common.cluster.Ports;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.io.SparkFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code part5-enterprise/kafka-broker/target/kafka-broker.classpath} (system property {@value
 * #CLASSPATH_PROPERTY} overrides the location).
 *
 * <p>How it starts, as Kafka's own quickstart does: {@code kafka.tools.StorageTool format} writes
 * the cluster id into the log folder, then {@code kafka.Kafka server.properties}. The broker runs
 * under {@link ParentWatchdog}, so it exits if the JVM that started it dies without running its
 * shutdown hooks (kill -9, a CI timeout); {@link #close()} and a shutdown hook end it otherwise.
 */
public final class KafkaBroker implements AutoCloseable {

  /** System property with the path of the broker's class-path file. */
  public static final String CLASSPATH_PROPERTY = "kafka.broker.classpath.file";

  public static final String HOST = Ports.LOOPBACK;

  private static final long READY_SECONDS = 90;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(READY_SECONDS);

  /**
   * A small broker: a small heap, and the serial GC and C1 only (with a code cache of the usual
   * size) of {@link SparkDaemons#SMALL_JVM_OPTIONS} on a 2-core machine.
   */
  private static final List<String> JVM_OPTIONS =
      Stream.concat(Stream.of("-Xms64m", "-Xmx512m"), SparkDaemons.SMALL_JVM_OPTIONS.stream())
          .toList();

  private final ClassPathJvm jvm;
  private final String bootstrapServers;

  private KafkaBroker(ClassPathJvm jvm, String bootstrapServers) {
    this.jvm = jvm;
    this.bootstrapServers = bootstrapServers;
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
      int brokerPort = Ports.freePort();
      int controllerPort = Ports.freePort();
      Path config = workDir.resolve("server.properties");
      Files.writeString(config, serverProperties(workDir, brokerPort, controllerPort));
      Path log = workDir.resolve("kafka.log");

      Path formatLog = workDir.resolve("format.log");
      Process format =
          new ProcessBuilder(
                  ClassPathJvm.command(
                      JVM_OPTIONS,
                      classPath,
                      "kafka.tools.StorageTool",
                      List.of("format", "-t", clusterId(), "-c", config.toString())))
              .redirectErrorStream(true)
              .redirectOutput(formatLog.toFile())
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
                + SparkDaemons.tail(formatLog));
      }

      ProcessBuilder pb =
          new ProcessBuilder(
              ClassPathJvm.command(
                  JVM_OPTIONS, classPath, "kafka.Kafka", List.of(config.toString())));
      KafkaBroker kafka =
          new KafkaBroker(ClassPathJvm.start("The Kafka broker", pb, log), HOST + ":" + brokerPort);
      kafka.awaitReady();
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
    return jvm.pid();
  }

  public boolean isAlive() {
    return jvm.isAlive();
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
    jvm.close();
  }

  private Map<String, Object> clientConf() {
    Map<String, Object> conf = new java.util.HashMap<>();
    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    return conf;
  }

  /** Waits until the broker answers a metadata request (its port may accept connections before). */
  private void awaitReady() {
    Map<String, Object> conf = clientConf();
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(conf)) {
      jvm.await(
          "answer a metadata request on " + bootstrapServers,
          READY_TIMEOUT,
          () -> {
            try {
              return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
            } catch (ExecutionException | TimeoutException notYet) {
              return false; // the broker is still starting
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("Interrupted while starting the Kafka broker", e);
            }
          });
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

  /**
   * A Kafka cluster id: 16 random bytes, URL-safe Base64 without padding (Kafka's Uuid form). Like
   * Kafka's own {@code Uuid.randomUuid()}, never one that starts with '-': {@code kafka-storage
   * format -t -abc...} reads it as an option and fails ("argument --cluster-id/-t: expected one
   * argument"), which one start in 64 did before this check.
   */
  static String clusterId() {
    while (true) {
      UUID u = UUID.randomUUID();
      ByteBuffer b = ByteBuffer.allocate(16);
      b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }

  static String brokerClassPath() {
    // From the repository root (bin/run-example) or from this module's folder (Maven's tests).
    return ClassPathJvm.readClassPathFile(
        CLASSPATH_PROPERTY,
        List.of(
            Path.of("part5-enterprise/kafka-broker/target/kafka-broker.classpath"),
            Path.of("../kafka-broker/target/kafka-broker.classpath")),
        "mvn -pl part5-enterprise/kafka-broker package");
  }
}
