package dev.advancedspark.part5.observability;

import dev.advancedspark.common.cluster.StandaloneCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Spark's metrics read over JMX from another process, as a monitoring agent (a JMX exporter,
 * jconsole, an APM agent) reads them: Spark's {@code JmxSink} publishes every metric of a process
 * as an MBean in that JVM's platform MBean server, and the JVM's own remote JMX agent serves that
 * server on a port. Spark does not secure that port ({@code spark.authenticate} covers Spark's RPC,
 * not JMX), so the agent gets its own login: a password file and an access file, both readable by
 * their owner only (the JVM refuses to start with a password file others can read), and a read-only
 * role. Loopback only here, so no TLS; on a network add {@code
 * com.sun.management.jmxremote.ssl=true} with a keystore, as for any password sent over a wire.
 *
 * <p>On a real standalone cluster the same two pieces are {@code master.sink.jmx.class} in {@code
 * conf/metrics.properties} and the agent's options in {@code SPARK_MASTER_OPTS} ({@code
 * SPARK_DAEMON_JAVA_OPTS} for every daemon) in {@code conf/spark-env.sh}. {@code
 * security.SecuredClusterIT} runs it on its Master and reads the master's gauges from the test JVM.
 */
public final class RemoteJmx {

  /** A login for the JVM's JMX agent and the two files that hold it. */
  public record Login(String user, String password, Path passwordFile, Path accessFile) {}

  private RemoteJmx() {}

  // tag::jmx-login[]
  /**
   * Writes a JMX password file ({@code user password}) and access file ({@code user readonly})
   * under {@code dir}, mode 600 from creation on, with a random password.
   */
  public static Login writeLogin(Path dir, String user) {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path passwords = ownerOnly(dir.resolve("jmxremote.password"), user + " " + password + "\n");
    Path access = ownerOnly(dir.resolve("jmxremote.access"), user + " readonly\n");
    return new Login(user, password, passwords, access);
  }

  // end::jmx-login[]

  // tag::jmx-agent[]
  /**
   * JVM options for the JVM's remote JMX agent: one port for the RMI registry and the connector,
   * bound to 127.0.0.1 and advertised as 127.0.0.1, a login checked against the password file,
   * rights from the access file. No TLS only because it is loopback.
   */
  public static List<String> agentOptions(int port, Login login) {
    String p = "-Dcom.sun.management.jmxremote";
    return List.of(
        p + ".port=" + port,
        p + ".rmi.port=" + port, // else the connector takes a second, random port
        p + ".host=" + StandaloneCluster.HOST, // default: every interface
        "-Djava.rmi.server.hostname=" + StandaloneCluster.HOST, // the address the stub names
        p + ".authenticate=true", // the default, said out loud
        p + ".password.file=" + login.passwordFile().toAbsolutePath(),
        p + ".access.file=" + login.accessFile().toAbsolutePath(),
        p + ".ssl=false", // loopback only; on a network: true, with a keystore
        p + ".registry.ssl=false");
  }

  /**
   * A standalone cluster whose master can be watched from another process: Spark's JmxSink for the
   * master's metrics, the JVM's agent on {@code port} with {@code login}.
   */
  public static StandaloneCluster.Builder withJmx(
      StandaloneCluster.Builder cluster, int port, Login login) {
    return cluster
        .masterConf(
            "spark.metrics.conf.master.sink.jmx.class", "org.apache.spark.metrics.sink.JmxSink")
        .masterJavaOptions(agentOptions(port, login).toArray(String[]::new));
  }

  // end::jmx-agent[]

  /** The agent's address, as jconsole and JMX exporters take it. */
  public static JMXServiceURL serviceUrl(int port) {
    try {
      return new JMXServiceURL(
          "service:jmx:rmi:///jndi/rmi://" + StandaloneCluster.HOST + ":" + port + "/jmxrmi");
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("Not a JMX port: " + port, e);
    }
  }

  /**
   * The MBean the JmxSink registers for a metric: {@code metrics:name=<metric>,type=<gauges|
   * counters|histograms|meters|timers>}. A gauge's value is its {@code Value} attribute, a
   * counter's its {@code Count}.
   */
  public static ObjectName metric(String metricName, String type) {
    try {
      return new ObjectName("metrics:name=" + metricName + ",type=" + type);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException("Not a metric name: " + metricName, e);
    }
  }

  // tag::jmx-remote-read[]
  /**
   * Reads {@code attribute} of {@code mbean} from the JMX agent at {@code url}, logged in as {@code
   * user} ({@code null}: no credentials). While the agent is not listening yet or the MBean is not
   * registered yet it tries again, until {@code deadline}; a refused login is final.
   *
   * @throws SecurityException when the agent refuses the login (no credentials, a wrong password)
   * @throws TimeoutException when no value came within {@code deadline}, with the last error
   */
  public static Object read(
      JMXServiceURL url,
      String user,
      String password,
      ObjectName mbean,
      String attribute,
      Duration deadline)
      throws JMException, TimeoutException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    Exception last = null;
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException(
            "No " + mbean + " " + attribute + " from " + url + " within " + deadline + ": " + last);
      }
      try {
        return bounded(
            Duration.ofNanos(left),
            () -> {
              try (JMXConnector c = JMXConnectorFactory.connect(url, credentials(user, password))) {
                return c.getMBeanServerConnection().getAttribute(mbean, attribute);
              }
            });
      } catch (IOException | InstanceNotFoundException e) {
        last = e; // not listening, or not registered, yet
        LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
    }
  }

  // end::jmx-remote-read[]

  /**
   * A connection to the agent at {@code url}, for more than one call; close it.
   *
   * @throws SecurityException when the agent refuses the login
   */
  public static JMXConnector connect(
      JMXServiceURL url, String user, String password, Duration deadline)
      throws IOException, TimeoutException, InterruptedException {
    try {
      return bounded(deadline, () -> JMXConnectorFactory.connect(url, credentials(user, password)));
    } catch (JMException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> credentials(String user, String password) {
    Map<String, Object> env = new HashMap<>();
    if (user != null) {
      env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
    }
    return env;
  }

  /**
   * Runs {@code call} on a daemon thread and waits at most {@code timeout}: an RMI call has no
   * deadline of its own. Its exceptions come out as they were thrown.
   */
  private static <T> T bounded(Duration timeout, Callable<T> call)
      throws IOException, JMException, TimeoutException, InterruptedException {
    ExecutorService pool =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "remote-jmx");
              t.setDaemon(true);
              return t;
            });
    try {
      Future<T> f = pool.submit(call);
      try {
        return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw new TimeoutException("A JMX call took longer than " + timeout);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof JMException jm) {
          throw jm;
        }
        if (cause instanceof RuntimeException re) {
          throw re; // SecurityException: the login was refused
        }
        throw new IllegalStateException(cause);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Path ownerOnly(Path file, String content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
