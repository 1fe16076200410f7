package dev.advancedspark.part1.engines;

import java.util.List;

/**
 * The two answers every engine computes, in a form all three can produce: the ten customers with
 * the highest revenue, and orders and revenue per customer country.
 */
public record Answers(List<TopCustomer> topCustomers, List<CountryRevenue> revenueByCountry) {

  /** How many customers the aggregation returns. */
  public static final int TOP = 10;

  /** One row of the aggregation: per customer, ordered by revenue descending, then id. */
  public record TopCustomer(long customerId, long orders, long quantity, double revenue) {}

  /** One row of the join: per country, ordered by country. */
  public record CountryRevenue(String country, long orders, double revenue) {}

  /**
   * True when both answers list the same keys in the same order with equal counts, and revenues
   * (sums of doubles, added in a different order by each engine) within {@code relTolerance}.
   */
  public boolean agreesWith(Answers other, double relTolerance) {
    return firstDifference(other, relTolerance) == null;
  }

  /** A description of the first difference, or null when the answers agree. */
  public String firstDifference(Answers other, double relTolerance) {
    if (topCustomers.size() != other.topCustomers.size()) {
      return "top customers: " + topCustomers.size() + " vs " + other.topCustomers.size() + " rows";
    }
    for (int i = 0; i < topCustomers.size(); i++) {
      TopCustomer a = topCustomers.get(i);
      TopCustomer b = other.topCustomers.get(i);
      if (a.customerId() != b.customerId()
          || a.orders() != b.orders()
          || a.quantity() != b.quantity()
          || !close(a.revenue(), b.revenue(), relTolerance)) {
        return "top customers row " + i + ": " + a + " vs " + b;
      }
    }
    if (revenueByCountry.size() != other.revenueByCountry.size()) {
      return "countries: " + revenueByCountry.size() + " vs " + other.revenueByCountry.size();
    }
    for (int i = 0; i < revenueByCountry.size(); i++) {
      CountryRevenue a = revenueByCountry.get(i);
      CountryRevenue b = other.revenueByCountry.get(i);
      if (!a.country().equals(b.country())
          || a.orders() != b.orders()
          || !close(a.revenue(), b.revenue(), relTolerance)) {
        return "countries row " + i + ": " + a + " vs " + b;
      }
    }
    return null;
  }

  private static boolean close(double a, double b, double rel) {
    return Math.abs(a - b) <= rel * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
  }
}
