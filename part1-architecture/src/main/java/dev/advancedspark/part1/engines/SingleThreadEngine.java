package dev.advancedspark.part1.engines;

import dev.advancedspark.part1.engines.Answers.CountryRevenue;
import dev.advancedspark.part1.engines.Answers.TopCustomer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The COST baseline (McSherry, Isard and Murray, HotOS 2015): the same two queries as one plain
 * Java thread over primitive arrays. The arrays are loaded once, through Spark, before any timing:
 * this measures the computation, not Parquet decoding. Customer ids are dense surrogate keys
 * (1..n), so an array indexed by id replaces the hash table an engine must build; that is the
 * knowledge about the data a hand-written program gets to use.
 */
public final class SingleThreadEngine {

  private SingleThreadEngine() {}

  /** The columns the queries need, one primitive array per column. */
  public record Columns(
      long[] customerId,
      int[] quantity,
      double[] amount,
      int keySpace,
      int[] countryOfCustomer,
      String[] countries) {

    public int rows() {
      return customerId.length;
    }
  }

  /** Reads the Parquet files into arrays with Spark, streaming partition by partition. */
  public static Columns load(SparkSession spark, Path orders, Path customers, long rows) {
    int n = Math.toIntExact(rows);
    long[] customerId = new long[n];
    int[] quantity = new int[n];
    double[] amount = new double[n];
    Iterator<Row> it =
        spark
            .read()
            .parquet(orders.toAbsolutePath().toString())
            .select("customer_id", "quantity", "amount")
            .toLocalIterator();
    int i = 0;
    long maxOrderCustomer = 0;
    while (it.hasNext()) {
      Row r = it.next();
      customerId[i] = r.getLong(0);
      maxOrderCustomer = Math.max(maxOrderCustomer, customerId[i]);
      quantity[i] = r.getInt(1);
      amount[i] = r.getDouble(2);
      i++;
    }
    if (i != n) {
      throw new IllegalStateException("expected " + n + " orders, read " + i);
    }
    List<Row> cust =
        spark
            .read()
            .parquet(customers.toAbsolutePath().toString())
            .select("customer_id", "country")
            .collectAsList();
    TreeMap<String, Integer> countryIndex = new TreeMap<>();
    cust.forEach(r -> countryIndex.putIfAbsent(r.getString(1), 0));
    String[] countries = countryIndex.keySet().toArray(String[]::new);
    for (int c = 0; c < countries.length; c++) {
      countryIndex.put(countries[c], c);
    }
    long maxId = cust.stream().mapToLong(r -> r.getLong(0)).max().orElse(0);
    int[] countryOf = new int[Math.toIntExact(maxId + 1)];
    Arrays.fill(countryOf, -1);
    cust.forEach(r -> countryOf[(int) r.getLong(0)] = countryIndex.get(r.getString(1)));
    int keySpace = Math.toIntExact(maxOrderCustomer + 1);
    return new Columns(customerId, quantity, amount, keySpace, countryOf, countries);
  }

  public static List<TopCustomer> topCustomers(Columns c) {
    // tag::single-thread[]
    int keys = c.keySpace(); // dense ids: an array slot per customer id, no hash table
    long[] orders = new long[keys];
    long[] quantity = new long[keys];
    double[] revenue = new double[keys];
    for (int i = 0; i < c.rows(); i++) {
      int k = (int) c.customerId()[i];
      orders[k]++;
      quantity[k] += c.quantity()[i];
      revenue[k] += c.amount()[i];
    }
    // end::single-thread[]
    return topByRevenue(orders, quantity, revenue, Answers.TOP);
  }

  public static List<CountryRevenue> revenueByCountry(Columns c) {
    int n = c.countries().length;
    long[] orders = new long[n];
    double[] revenue = new double[n];
    int[] countryOf = c.countryOfCustomer();
    for (int i = 0; i < c.rows(); i++) {
      long id = c.customerId()[i];
      int country = id < countryOf.length ? countryOf[(int) id] : -1;
      if (country >= 0) { // inner join: orders of unknown customers drop out
        orders[country]++;
        revenue[country] += c.amount()[i];
      }
    }
    List<CountryRevenue> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      if (orders[k] > 0) {
        out.add(new CountryRevenue(c.countries()[k], orders[k], revenue[k]));
      }
    }
    return out;
  }

  /** The {@code top} keys by revenue (ties: lower id first), in one pass with a small buffer. */
  static List<TopCustomer> topByRevenue(long[] orders, long[] quantity, double[] revenue, int top) {
    int[] best = new int[top];
    int size = 0;
    for (int k = 0; k < orders.length; k++) {
      if (orders[k] == 0) {
        continue;
      }
      if (size < top) {
        best[size++] = k;
      } else if (better(k, best[size - 1], revenue)) {
        best[size - 1] = k;
      } else {
        continue;
      }
      // insertion step: keep best[] sorted, best first
      for (int j = size - 1; j > 0 && better(best[j], best[j - 1], revenue); j--) {
        int t = best[j];
        best[j] = best[j - 1];
        best[j - 1] = t;
      }
    }
    List<TopCustomer> out = new ArrayList<>();
    for (int j = 0; j < size; j++) {
      int k = best[j];
      out.add(new TopCustomer(k, orders[k], quantity[k], revenue[k]));
    }
    return out;
  }

  private static boolean better(int a, int b, double[] revenue) {
    return revenue[a] > revenue[b] || (revenue[a] == revenue[b] && a < b);
  }
}
