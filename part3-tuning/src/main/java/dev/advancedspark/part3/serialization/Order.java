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

  /** For Kryo, which creates the object before it reads the fields. */
  public Order() {}

  public Order(long orderId, long customerId, int quantity, double amount, String status) {
    this.orderId = orderId;
    this.customerId = customerId;
    this.quantity = quantity;
    this.amount = amount;
    this.status = status;
  }

  /** A deterministic order for test data: order {@code i} of 1,000 customers. */
  public static Order sample(long i) {
    String[] statuses = {"placed", "shipped", "delivered", "cancelled", "returned"};
    return new Order(
        i,
        1 + (i * 7919) % 1_000,
        1 + (int) (i % 10),
        10.0 + (i % 500) * 0.25,
        statuses[(int) (i % 5)]);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof Order other
        && orderId == other.orderId
        && customerId == other.customerId
        && quantity == other.quantity
        && Double.compare(amount, other.amount) == 0
        && Objects.equals(status, other.status);
  }

  @Override
  public int hashCode() {
    return Objects.hash(orderId, customerId, quantity, amount, status);
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
