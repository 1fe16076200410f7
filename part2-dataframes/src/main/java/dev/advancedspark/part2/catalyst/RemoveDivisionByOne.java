package dev.advancedspark.part2.catalyst;

import java.math.BigDecimal;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.Function1;
import scala.runtime.AbstractPartialFunction;

/**
 * A custom optimizer rule: {@code x / 1} becomes {@code x} when that keeps the result type (a
 * double divided by 1.0 is exactly itself, NaN and infinities included).
 *
 * <p>What the built-in rules already do (Spark 4.2, tested in {@code
 * SessionExtensionsExampleTest}): {@code ReorderAssociativeOperator} folds the constant factors of
 * an <em>integral</em> product and drops a factor that folds to 1 ({@code id * 1} becomes {@code
 * id}, {@code id * 2 * 3} becomes {@code id * 6}); a floating-point product keeps its {@code *
 * 1.0}, and no rule removes {@code x / 1}. So this rule's effect is visible in the optimized plan
 * and in {@code queryExecution().tracker().rules()}, which counts how often each rule ran and
 * changed the plan. It is deliberately small: the shape (match an expression, return a rewritten
 * one, leave everything else as it is) is the shape of every expression rule.
 *
 * <p>The type check matters: {@code decimal_column / 1} has a wider scale than its operand, so
 * dropping the division there would change the schema; the rule leaves it.
 */
public final class RemoveDivisionByOne extends Rule<LogicalPlan> {

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return (LogicalPlan) plan.transformAllExpressions(new Rewrite());
  }

  private static final class Rewrite extends AbstractPartialFunction<Expression, Expression> {
    @Override
    public boolean isDefinedAt(Expression e) {
      return operand(e) != null;
    }

    @Override
    public <A1 extends Expression, B1> B1 applyOrElse(A1 e, Function1<A1, B1> fallback) {
      Expression operand = operand(e);
      @SuppressWarnings("unchecked")
      B1 result = operand != null ? (B1) operand : fallback.apply(e);
      return result;
    }

    /** The dividend of {@code x / 1} when x has the quotient's type, else null. */
    private static Expression operand(Expression e) {
      if (e instanceof Divide d && isOne(d.right()) && d.left().dataType().equals(d.dataType())) {
        return d.left();
      }
      return null;
    }

    private static boolean isOne(Expression e) {
      if (!(e instanceof Literal l) || l.value() == null) {
        return false;
      }
      try {
        return new BigDecimal(l.value().toString()).compareTo(BigDecimal.ONE) == 0;
      } catch (NumberFormatException notANumber) {
        return false;
      }
    }
  }
}
