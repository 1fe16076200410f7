package dev.advancedspark.benchmarks.serialization;

import java.io.Serializable;

/**
 * A plain Java object as an RDD job would ship it: what Java serialization writes with class
 * metadata and field names, and Kryo (registered) writes as a class id plus the fields.
 */
public final class Trade implements Serializable {
  private static final long serialVersionUID = 1L;

  public long id;
  public int account;
  public String symbol;
  public double price;
  public int quantity;
  public long timestamp;

  public Trade() {}

  public Trade(long id, int account, String symbol, double price, int quantity, long timestamp) {
    this.id = id;
    this.account = account;
    this.symbol = symbol;
    this.price = price;
    this.quantity = quantity;
    this.timestamp = timestamp;
  }
}
