package dev.advancedspark.part4.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic input for {@link DailyRevenueJob}: orders over the 31 days of January 2026, one in
 * ten cancelled, written as CSV with three malformed lines that the job must quarantine.
 */
public final class OrdersCsv {

  /** The header line the job expects. */
  public static final String HEADER = "order_id,order_date,customer_id,amount,status";

  /** Lines that do not fit the schema: a bad date, a bad amount, a bad id. */
  public static final List<String> MALFORMED =
      List.of(
          "900001,2026-01-3x,7,10.00,PAID",
          "900002,2026-01-05,7,ten euros,PAID",
          "id-900003,2026-01-06,7,1.00,PAID");

  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

  private OrdersCsv() {}

  /** One generated order. */
  public record Order(
      long orderId, LocalDate orderDate, long customerId, BigDecimal amount, String status) {
    String csv() {
      return orderId
          + ","
          + orderDate
          + ","
          + customerId
          + ","
          + amount.toPlainString()
          + ","
          + status;
    }
  }

  /** {@code n} orders from {@code seed}: the same arguments give the same orders. */
  public static List<Order> orders(long n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Order> orders = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      LocalDate day = FIRST_DAY.plusDays(random.nextInt(31));
      long customer = 1 + random.nextInt(500);
      BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(99_900), 2);
      String status = random.nextInt(10) == 0 ? "CANCELLED" : "PAID";
      orders.add(new Order(i, day, customer, amount, status));
    }
    return orders;
  }

  /** Writes {@code n} generated orders and the {@link #MALFORMED} lines to {@code file}. */
  public static List<Order> write(Path file, long n, long seed) {
    List<Order> orders = orders(n, seed);
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (int i = 0; i < orders.size(); i++) {
      lines.add(orders.get(i).csv());
      // Spread the malformed lines through the file, as real bad records are.
      if (i % 500 == 250 && i / 500 < MALFORMED.size()) {
        lines.add(MALFORMED.get(i / 500));
      }
    }
    int written = (int) lines.stream().filter(MALFORMED::contains).count();
    lines.addAll(MALFORMED.subList(written, MALFORMED.size()));
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the orders file " + file, e);
    }
    return orders;
  }
}
