package dev.advancedspark.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class with a {@code main} that {@code bin/run-example} lists and runs. The summary is the
 * one line shown in the listing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RunnableExample {
  /** One line: what the example shows. */
  String value();
}
