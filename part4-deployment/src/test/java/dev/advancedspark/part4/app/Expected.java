package dev.advancedspark.part4.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The daily revenue computed in plain Java, and readers of what the job wrote. */
final class Expected {

  private Expected() {}

  /** Lines {@code date,orders,revenue} (revenue with 2 decimals), oldest day first. */
  static List<String> dailyRevenueLines(List<OrdersCsv.Order> orders) {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, BigDecimal> sums = new TreeMap<>();
    for (OrdersCsv.Order o : orders) {
      if (o.status().equals("CANCELLED")) {
        continue;
      }
      String day = o.orderDate().toString();
      counts.computeIfAbsent(day, d -> new long[1])[0]++;
      sums.merge(day, o.amount(), BigDecimal::add);
    }
    List<String> lines = new ArrayList<>();
    counts.forEach((day, n) -> lines.add(day + "," + n[0] + "," + sums.get(day).toPlainString()));
    return lines;
  }

  /** The data lines of the single CSV file in {@code output/daily_revenue} (header dropped). */
  static List<String> writtenDailyRevenue(Path output) {
    Path dir = output.resolve("daily_revenue");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> parts =
          files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
      if (parts.size() != 1) {
        throw new AssertionError("Expected one part file in " + dir + ", found " + parts);
      }
      List<String> lines = Files.readAllLines(parts.get(0), StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals("order_date,orders,revenue")) {
        throw new AssertionError("Unexpected header in " + parts.get(0) + ": " + lines);
      }
      return lines.subList(1, lines.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The job's {@code _SUMMARY.properties}. */
  static Properties summary(Path output) {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(output.resolve(DailyRevenueJob.SUMMARY_FILE))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
