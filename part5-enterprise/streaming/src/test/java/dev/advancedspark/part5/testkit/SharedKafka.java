package dev.advancedspark.part5.testkit;

import dev.advancedspark.common.testkit.SharedSpark;

/**
 * One Kafka broker for the whole test JVM (the Failsafe fork), started on first use and ended when
 * the JVM exits; if the JVM is killed, the broker's {@code ParentWatchdog} ends it. Each test uses
 * its own topics. The broker's folder is named after the test JVM's process id: Failsafe runs two
 * forks side by side (see the module's pom), and each may start a broker.
 */
public final class SharedKafka {

  private static KafkaBroker broker;

  private SharedKafka() {}

  public static synchronized KafkaBroker broker() {
    if (broker == null || !broker.isAlive()) {
      broker =
          KafkaBroker.start(
              SharedSpark.workDir().resolve("kafka-broker-" + ProcessHandle.current().pid()));
    }
    return broker;
  }
}
