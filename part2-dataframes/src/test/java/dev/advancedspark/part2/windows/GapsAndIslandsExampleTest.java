package dev.advancedspark.part2.windows;

import static dev.advancedspark.common.testkit.DataFrameAssert.assertThatDataFrame;
import static dev.advancedspark.common.testkit.DataFrameAssert.row;

import dev.advancedspark.common.testkit.SharedSpark;
import java.sql.Date;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class GapsAndIslandsExampleTest {

  private final SparkSession spark = SharedSpark.session();

  @Test
  void consecutiveDaysFormOneIslandAndSameDayEventsCountOnce() {
    // given u1 on 1, 2 (twice), 3 and 5 January plus a row without a date; u2 on 1-2 January
    Dataset<Row> activity = GapsAndIslandsExample.activityFixture(spark);

    // when
    Dataset<Row> islands = GapsAndIslandsExample.islands(activity, "user_id", "day");

    // then the duplicate day does not break the streak, the null day belongs to no island
    assertThatDataFrame(islands)
        .hasColumns("user_id", "start", "end", "events", "days")
        .containsExactlyInAnyOrder(
            row("u1", Date.valueOf("2026-01-01"), Date.valueOf("2026-01-03"), 4L, 3L),
            row("u1", Date.valueOf("2026-01-05"), Date.valueOf("2026-01-05"), 1L, 1L),
            row("u2", Date.valueOf("2026-01-01"), Date.valueOf("2026-01-02"), 2L, 2L));
  }

  @Test
  void rowNumberInsteadOfDenseRankWouldMislabelTheIslands() {
    // given u1's dated rows, with 2 January twice
    Dataset<Row> activity =
        GapsAndIslandsExample.activityFixture(spark).filter("user_id = 'u1' and day is not null");

    // when labelling islands with row_number and with dense_rank
    Dataset<Row> labels =
        activity.selectExpr(
            "day",
            "date_sub(day, row_number() over (order by day)) as by_row_number",
            "date_sub(day, dense_rank() over (order by day)) as by_dense_rank");

    // then row_number splits the 1-3 January streak and puts 5 January into its first part
    assertThatDataFrame(labels)
        .containsExactlyInAnyOrder(
            row(d("2026-01-01"), d("2025-12-31"), d("2025-12-31")),
            row(d("2026-01-02"), d("2025-12-31"), d("2025-12-31")),
            row(d("2026-01-02"), d("2025-12-30"), d("2025-12-31")),
            row(d("2026-01-03"), d("2025-12-30"), d("2025-12-31")),
            row(d("2026-01-05"), d("2025-12-31"), d("2026-01-01")));
  }

  private static Date d(String s) {
    return Date.valueOf(s);
  }
}
