package dev.advancedspark.benchmarks.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

class SerializationBenchmarkTest {

  /** A class nobody registered with Kryo. */
  record Unregistered(int value) implements java.io.Serializable {}

  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  private static SerializerInstance serializer(String name) {
    SparkConf conf = new SparkConf(false);
    SerializationBenchmark.conf(name).forEach(conf::set);
    return name.equals("kryo")
        ? new KryoSerializer(conf).newInstance()
        : new JavaSerializer(conf).newInstance();
  }

  @Test
  void registeredKryoWritesATradeInAFractionOfJavaSerializationsBytes() {
    Trade trade = new Trade(7, 42, "NVDA", 123.45, 10, 1_767_225_600_000L);

    ByteBuffer kryo = serializer("kryo").serialize(trade, ANY);
    ByteBuffer java = serializer("java").serialize(trade, ANY);

    // Java serialization writes the class description and field names; Kryo a class id.
    assertThat(kryo.remaining()).isLessThan(java.remaining() / 3);
    Trade back = (Trade) serializer("kryo").deserialize(kryo, ANY);
    assertThat(back.symbol).isEqualTo("NVDA");
    assertThat(back.price).isEqualTo(123.45);
  }

  @Test
  void kryoWithRegistrationRequiredRejectsAnUnregisteredClass() {
    SerializerInstance kryo = serializer("kryo");

    assertThatThrownBy(() -> kryo.serialize(new Unregistered(1), ANY))
        .hasMessageContaining("Class is not registered");
  }
}
