package dev.advancedspark.common.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for processes a test or an example starts (daemons, brokers, databases). */
public final class Ports {

  /** The only address the kit binds to and talks to. */
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /**
   * A port the OS says is free on 127.0.0.1 now; another process may take it before it is used, so
   * a caller that binds later should retry on a bind failure.
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
    }
  }

  /**
   * True when {@code port} can be bound on 127.0.0.1 now.
   *
   * @throws IllegalArgumentException when {@code port} is outside 1..65535
   */
  public static boolean isFree(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("a port must be in 1..65535, got " + port);
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
