package dev.advancedspark.part2.catalyst;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.SubstringIndex;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The session extensions of the lesson: the optimizer rule {@link RemoveDivisionByOne} and the SQL
 * function {@code email_domain(email)} ({@code lower(substring_index(email, '@', -1))}).
 *
 * <p>A {@code scala.Function1<SparkSessionExtensions, BoxedUnit>} (through Scala's {@code
 * AbstractFunction1}, which spares Java the specialised methods of the trait) with a public
 * no-argument constructor, so it works both ways Spark installs extensions: {@code
 * SparkSession.builder().withExtensions(new DivisionRuleAndEmailDomainExtensions())}, or the static
 * setting {@code --conf
 * spark.sql.extensions=dev.advancedspark.part2.catalyst.DivisionRuleAndEmailDomainExtensions}
 * (spark-submit, a cluster's defaults).
 */
public final class DivisionRuleAndEmailDomainExtensions
    extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  public static final String FUNCTION_NAME = "email_domain";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectOptimizerRule(
        new AbstractFunction1<
            org.apache.spark.sql.SparkSession,
            org.apache.spark.sql.catalyst.rules.Rule<
                org.apache.spark.sql.catalyst.plans.logical.LogicalPlan>>() {
          @Override
          public org.apache.spark.sql.catalyst.rules.Rule<
                  org.apache.spark.sql.catalyst.plans.logical.LogicalPlan>
              apply(org.apache.spark.sql.SparkSession session) {
            return new RemoveDivisionByOne();
          }
        });
    extensions.injectFunction(
        new Tuple3<>(
            FunctionIdentifier.apply(FUNCTION_NAME),
            new ExpressionInfo(DivisionRuleAndEmailDomainExtensions.class.getName(), FUNCTION_NAME),
            new EmailDomainBuilder()));
    return BoxedUnit.UNIT;
  }

  /** Builds the expression of {@code email_domain(x)} from its argument list. */
  private static final class EmailDomainBuilder
      extends AbstractFunction1<Seq<Expression>, Expression> {
    @Override
    public Expression apply(Seq<Expression> args) {
      if (args.size() != 1) {
        throw new IllegalArgumentException(
            FUNCTION_NAME + " takes one argument (an email address), got " + args.size());
      }
      return new Lower(
          new SubstringIndex(
              args.head(),
              Literal.create("@", DataTypes.StringType),
              Literal.create(-1, DataTypes.IntegerType)));
    }
  }
}
