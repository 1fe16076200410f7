package dev.advancedspark.part3.serialization;

import java.io.Serializable;
import java.util.Objects;

/**
 * An order as a plain Java object: what RDD code, a cached RDD or a broadcast map holds. A class,
 * not a record: Kryo 4 (Spark's) fills fields of an object it created, which Java forbids for a
 * record's final fields.
 */
public final class Order implements Serializable {
  private static final long serialVersionUID = 1L;

  private long orderId;
  private long customerId;
  private int quantity;
  private double amount;
  private String status;
  private String sku;

  /** For Kryo, which creates the object before it reads the fields. */
  public Order() {}

  public Order(
      long orderId, long customerId, int quantity, double amount, String status, String sku) {
    this.orderId = orderId;
    this.customerId = customerId;
    this.quantity = quantity;
    this.amount = amount;
    this.status = status;
    this.sku = sku;
  }

  /**
   * A deterministic order for test data: order {@code i} of 1,000 customers and 10,000 products.
   * The SKU is a new string per order, as a parser would make it; the status is one of five shared
   * constants.
   */
  public static Order sample(long i) {
    String[] statuses = {"placed", "shipped", "delivered", "cancelled", "returned"};
    return new Order(
        i,
        1 + (i * 7919) % 1_000,
        1 + (int) (i % 10),
        10.0 + (i % 500) * 0.25,
        statuses[(int) (i % 5)],
        String.format("SKU-%06d", (i * 104_729) % 10_000));
  }

  public long orderId() {
    return orderId;
  }

  public long customerId() {
    return customerId;
  }

  public int quantity() {
    return quantity;
  }

  public double amount() {
    return amount;
  }

  public String status() {
    return status;
  }

  public String sku() {
    return sku;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Order other
        && orderId == other.orderId
        && customerId == other.customerId
        && quantity == other.quantity
        && Double.compare(amount, other.amount) == 0
        && Objects.equals(status, other.status)
        && Objects.equals(sku, other.sku);
  }

  @Override
  public int hashCode() {
    return Objects.hash(orderId, customerId, quantity, amount, status, sku);
  }

  @Override
  public String toString() {
    return "Order["
        + orderId
        + ", customer "
        + customerId
        + ", "
        + quantity
        + " x, "
        + amount
        + ", "
        + status
        + "]";
  }
}
