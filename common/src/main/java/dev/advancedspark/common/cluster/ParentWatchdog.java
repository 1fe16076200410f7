package dev.advancedspark.common.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs a Spark daemon's {@code main} (Master, Worker) and exits when the JVM that launched it is
 * gone. A test JVM that is killed (a CI timeout, kill -9) cannot run its shutdown hooks; without
 * this, its Master and Workers would run forever. On exit the daemon's own shutdown hooks run: a
 * Worker then kills the executors it launched.
 *
 * <p>Usage: {@code java -cp <classpath> dev.advancedspark.common.cluster.ParentWatchdog <parentPid>
 * <mainClass> [args...]}.
 */
public final class ParentWatchdog {

  private ParentWatchdog() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
      System.exit(2);
    }
    long parentPid = Long.parseLong(args[0]);
    ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
    if (parent == null || !parent.isAlive()) {
      System.err.println("Parent process " + parentPid + " is gone; not starting " + args[1]);
      System.exit(3);
    }
    parent
        .onExit()
        .thenRun(
            () -> {
              System.err.println("Parent process " + parentPid + " exited; stopping " + args[1]);
              System.exit(143);
            });
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
