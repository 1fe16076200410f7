package dev.advancedspark.part3.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.advancedspark.part3.serialization.SerializerSizeExample.Sizes;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** No session needed: the serializers are built from a SparkConf and used directly. */
class SerializerSizeExampleTest {

  private static final long RECORDS = 1_000;
  private final SparkConf conf = new SparkConf(false);

  @Test
  void registeredKryoWritesTheFewestBytesPerRecordInAStream() {
    // when
    Sizes sizes = SerializerSizeExample.sizes(conf, RECORDS);

    // then (measured: java 53.7, kryo unregistered 93.8, kryo registered 49.8)
    assertThat(sizes.kryoRegistered()).isLessThan(sizes.kryoUnregistered());
    assertThat(sizes.kryoRegistered()).isLessThanOrEqualTo(sizes.java());
  }

  @Test
  void javaSerializationPaysForTheClassDescriptionOfARecordAlone() {
    // given
    Sizes inAStream = SerializerSizeExample.sizes(conf, RECORDS);
    Order one = Order.sample(1);

    // when (measured: java 199 bytes, kryo registered 49)
    int javaAlone = SerializerSizeExample.singleRecordBytes(SerializerSizeExample.java(conf), one);
    int kryoAlone =
        SerializerSizeExample.singleRecordBytes(SerializerSizeExample.kryo(conf, Order.class), one);

    // then: Java writes the class description once per stream (and again every
    // spark.serializer.objectStreamReset = 100 records): a lone record pays all of it
    assertThat((double) javaAlone).isGreaterThan(3 * inAStream.java());
    assertThat((double) kryoAlone).isCloseTo(inAStream.kryoRegistered(), within(2.0));
    assertThat(javaAlone).isGreaterThan(3 * kryoAlone);
  }

  @Test
  void unregisteredKryoCarriesTheClassNameWithEveryRecord() {
    // given
    int nameLength = Order.class.getName().length();

    // when
    Sizes sizes = SerializerSizeExample.sizes(conf, RECORDS);

    // then: the difference per record is about the class name, written again for each record
    assertThat(sizes.kryoUnregistered() - sizes.kryoRegistered())
        .isBetween(nameLength - 2.0, nameLength + 2.0);
  }

  @Test
  void registrationRequiredRejectsAnUnregisteredClassAndNamesIt() {
    // given
    SparkConf strict = conf.clone().set("spark.kryo.registrationRequired", "true");
    Serializer kryo = SerializerSizeExample.kryo(strict);

    // when / then
    assertThatThrownBy(() -> SerializerSizeExample.singleRecordBytes(kryo, Order.sample(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Class is not registered: " + Order.class.getName());
  }

  @Test
  void registeringTheClassFixesTheStrictModeAndTheRecordRoundTrips() {
    // given
    SparkConf strict = conf.clone().set("spark.kryo.registrationRequired", "true");
    SerializerInstance kryo = SerializerSizeExample.kryo(strict, Order.class).newInstance();
    Order order = Order.sample(42);

    // when
    ByteBuffer bytes = kryo.serialize(order, ClassTag$.MODULE$.Any());
    Object back = kryo.deserialize(bytes, ClassTag$.MODULE$.Any());

    // then
    assertThat(back).isEqualTo(order);
  }
}
