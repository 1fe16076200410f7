package dev.advancedspark.part5.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sha2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.advancedspark.common.testkit.SharedSpark;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PiiProtectionTest {

  private final SparkSession spark = SharedSpark.session();
  private final byte[] key = "a-test-key-kept-out-of-the-data".getBytes(StandardCharsets.UTF_8);

  @Test
  void anUnkeyedHashIsReversedByADictionaryButTheKeyedTokenIsNot() {
    // given e-mails published as sha2 and as HMAC tokens, and an attacker's list of candidates
    Dataset<Row> customers = PiiProtection.sampleCustomers(spark);
    Dataset<Row> published =
        customers.select(
            sha2(col("email"), 256).as("email_sha2"),
            PiiProtection.tokenizer(key).apply(col("email")).as("email_token"));
    Dataset<Row> dictionary =
        spark
            .sql("SELECT * FROM VALUES ('max@example.de'), ('nobody@example.org') AS d(guess)")
            .withColumn("guess_sha2", sha2(col("guess"), 256));

    // when the attacker hashes the candidates and joins
    long viaSha2 = published.join(dictionary, col("email_sha2").equalTo(col("guess_sha2"))).count();
    long viaToken =
        published.join(dictionary, col("email_token").equalTo(col("guess_sha2"))).count();

    // then the plain hash gives an address away, the token does not
    assertThat(viaSha2).isEqualTo(1);
    assertThat(viaToken).isZero();
  }

  @Test
  void tokensAreDeterministicSoTokenisedTablesStillJoinAndAnotherKeyGivesOtherTokens() {
    Dataset<Row> ids = spark.range(1, 4).select(col("id").cast("string").as("id"));
    Dataset<Row> left = ids.select(PiiProtection.tokenizer(key).apply(col("id")).as("t"));
    Dataset<Row> right = ids.select(PiiProtection.tokenizer(key).apply(col("id")).as("t"));
    byte[] other = "another-key".getBytes(StandardCharsets.UTF_8);
    Dataset<Row> rotated = ids.select(PiiProtection.tokenizer(other).apply(col("id")).as("t"));

    assertThat(left.join(right, "t").count()).isEqualTo(3);
    assertThat(left.join(rotated, "t").count()).isZero();
    assertThat(PiiProtection.hmacHex(key, "1"))
        .hasSize(64)
        .isEqualTo(PiiProtection.hmacHex(key, "1"));
    assertThat(PiiProtection.hmacHex(key, null)).isNull();
  }

  @Test
  void eachRoleViewExposesOnlyItsColumnsAndMaskedValues() {
    // when the role views are registered over the customers table
    PiiProtection.registerRoleViews(PiiProtection.sampleCustomers(spark), key);

    // then the analyst sees tokens, masked e-mails and countries: no id, name or phone
    Dataset<Row> analyst = spark.table("customers_analyst");
    assertThat(analyst.columns()).containsExactly("customer_token", "email_masked", "country");
    List<String> emails =
        analyst
            .orderBy("country")
            .select("email_masked")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(emails).containsExactly("m***@example.de", "j***@example.com", "a***@example.pt");
    assertThat(analyst.where("customer_token = '1'").count()).isZero();
    // and support sees the name and e-mail but only the last four digits of the phone
    Dataset<Row> support = spark.table("customers_support");
    assertThat(support.columns()).containsExactly("id", "name", "email", "phone_last4");
    assertThat(support.where("id = 1").first().getString(3)).isEqualTo("******0958");
  }
}
