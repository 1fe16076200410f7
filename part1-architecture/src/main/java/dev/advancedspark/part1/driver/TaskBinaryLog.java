package dev.advancedspark.part1.driver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * What Spark itself says about the task binary it ships. For every stage, {@code DAGScheduler}
 * serializes the stage's RDD chain and function (the closures included) once, broadcasts those
 * bytes (the "task binary"), and every task of the stage fetches it through its executor and
 * deserializes it. Above {@code TaskSetManager.TASK_SIZE_TO_WARN_KIB} (1000 KiB, a constant in
 * Spark 4.2, not a setting) it logs {@code WARN DAGScheduler: Broadcasting large task binary with
 * size 4.2 MiB}. This class listens for that line while a block runs.
 */
public final class TaskBinaryLog {

  /** Spark's threshold for the warning, {@code TaskSetManager.TASK_SIZE_TO_WARN_KIB} KiB. */
  public static final long WARN_BYTES = 1000L * 1024;

  private static final String LOGGER = "org.apache.spark.scheduler.DAGScheduler";
  private static final Pattern WARNING =
      Pattern.compile("Broadcasting large task binary with size ([0-9.]+) (B|KiB|MiB|GiB)");

  /** A block's result and the task binary sizes Spark warned about while it ran, in bytes. */
  public record Logged<T>(T result, List<Long> largeTaskBinaries) {}

  private TaskBinaryLog() {}

  /** Runs {@code block} and collects DAGScheduler's large-task-binary warnings meanwhile. */
  public static <T> Logged<T> capture(Supplier<T> block) {
    List<Long> sizes = Collections.synchronizedList(new ArrayList<>());
    AbstractAppender appender =
        new AbstractAppender("task-binary-sizes", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            Matcher m = WARNING.matcher(event.getMessage().getFormattedMessage());
            if (m.find()) {
              sizes.add(bytes(m.group(1), m.group(2)));
            }
          }
        };
    appender.start();
    Logger logger = (Logger) LogManager.getLogger(LOGGER);
    logger.addAppender(appender);
    try {
      T result = block.get();
      return new Logged<>(result, List.copyOf(sizes));
    } finally {
      logger.removeAppender(appender);
      appender.stop();
    }
  }

  /** "4.2 MiB" as Spark's {@code Utils.bytesToString} prints it, back to (approximate) bytes. */
  static long bytes(String number, String unit) {
    double value = Double.parseDouble(number);
    long scale =
        switch (unit.toUpperCase(Locale.ROOT)) {
          case "KIB" -> 1L << 10;
          case "MIB" -> 1L << 20;
          case "GIB" -> 1L << 30;
          default -> 1L;
        };
    return Math.round(value * scale);
  }
}
