package dev.advancedspark.part5.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.right;
import static org.apache.spark.sql.functions.udf;

import dev.advancedspark.common.ExampleArgs;
import dev.advancedspark.common.Examples;
import dev.advancedspark.common.RunnableExample;
import dev.advancedspark.part5.security.ClusterSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * PII handled in code: masking for display, keyed tokenisation (HMAC-SHA256) for identifiers that
 * must still join, and one view per role that exposes only what the role needs.
 *
 * <p>Why a key: an unkeyed hash ({@code sha2(email, 256)}) of a low-entropy identifier is reversed
 * by hashing a list of candidates (every e-mail of a leaked list, every phone number) and joining;
 * the HMAC with a key kept outside the data (a mode-600 file, a secrets manager) cannot be
 * recomputed without the key, yet it is deterministic, so tokenised tables still join. Rotating the
 * key changes every token: plan it like a re-keying migration.
 *
 * <pre>
 * bin/run-example PiiProtection
 * </pre>
 *
 * Expected output: the analyst view (tokens, masked e-mails, no names) and the support view.
 */
@RunnableExample("Governance: masking, HMAC tokenisation with a key file, one view per role")
public final class PiiProtection {

  static final ExampleArgs ARGS =
      ExampleArgs.forExample("PiiProtection")
          .option("key-file", "target/part5/pii/token.key", "HMAC key file (created, mode 600)");

  private PiiProtection() {}

  // tag::hmac[]
  /** HMAC-SHA256 of {@code value} under {@code key}, hex; null stays null. */
  public static String hmacHex(byte[] key, String value) {
    if (value == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** A UDF that tokenises with {@code key}: the key travels to executors inside the task. */
  public static UserDefinedFunction tokenizer(byte[] key) {
    byte[] copy = key.clone();
    return udf((UDF1<String, String>) v -> hmacHex(copy, v), DataTypes.StringType);
  }

  // end::hmac[]

  // tag::mask[]
  /** {@code jane.doe@example.com} -> {@code j***@example.com}. */
  public static Column maskEmail(Column email) {
    return regexp_replace(email, "^(.)[^@]*(@.*)$", "$1***$2");
  }

  /** Every digit but the last four replaced: {@code +44 20 7946 0958} -> {@code ******0958}. */
  public static Column maskPhone(Column phone) {
    return concat(lit("******"), right(regexp_replace(phone, "[^0-9]", ""), lit(4)));
  }

  // end::mask[]

  // tag::views[]
  /**
   * Registers one temporary view per role over {@code customers} (id, name, email, phone, country):
   * {@code customers_analyst} has a token instead of the id, no name, a masked e-mail and no phone;
   * {@code customers_support} has the name, the e-mail and the last four digits of the phone. Grant
   * the views, never the table (in a catalog: GRANT SELECT ON VIEW).
   */
  public static void registerRoleViews(Dataset<Row> customers, byte[] key) {
    customers
        .select(
            tokenizer(key).apply(col("id").cast("string")).as("customer_token"),
            maskEmail(col("email")).as("email_masked"),
            col("country"))
        .createOrReplaceTempView("customers_analyst");
    customers
        .select(col("id"), col("name"), col("email"), maskPhone(col("phone")).as("phone_last4"))
        .createOrReplaceTempView("customers_support");
  }

  // end::views[]

  /** Tiny named sample customers. */
  public static Dataset<Row> sampleCustomers(SparkSession spark) {
    return spark.sql(
        "SELECT * FROM VALUES "
            + "(1, 'Jane Doe', 'jane.doe@example.com', '+44 20 7946 0958', 'GB'),"
            + "(2, 'Max Muster', 'max@example.de', '+49 30 1234 5678', 'DE'),"
            + "(3, 'Ana Silva', 'ana.silva@example.pt', '+351 21 123 4567', 'PT')"
            + " AS customers(id, name, email, phone, country)");
  }

  /** The HMAC key in {@code file} (mode 600, see {@link ClusterSecret#read}), made when absent. */
  public static byte[] keyFrom(Path file) {
    String key = Files.exists(file) ? ClusterSecret.read(file) : ClusterSecret.generate(file);
    return key.getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    Examples.run(
        args,
        ARGS,
        "PiiProtection",
        (spark, opts) -> {
          registerRoleViews(sampleCustomers(spark), keyFrom(Path.of(opts.get("key-file"))));
          System.out.println("customers_analyst:");
          spark.table("customers_analyst").show(false);
          System.out.println("customers_support:");
          spark.table("customers_support").show(false);
        });
  }
}
