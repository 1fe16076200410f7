#!/usr/bin/env bash
# Smoke mode: runs every benchmark of benchmarks.jar once on tiny data (20,000 rows, 4 lineage steps,
# 300,000 rows for the spill suite, which must spill), one
# iteration, no warm-up, in this JVM (-f 0) with one SparkContext reused across trials, so that
# a broken case (a set-up check, a missing data source in the shaded jar, a Kryo registration)
# fails CI. The figures it prints mean nothing.
#
#   benchmarks/smoke.sh                 # every benchmark (the groupby grid's q2-q9: Comet only, below)
#   benchmarks/smoke.sh JoinBenchmark   # a subset, its full grid (any JMH regex and options)
#
# Needs benchmarks/target/benchmarks.jar: mvn -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")"
# BENCH_JAR: run from a copy, so that rebuilding the module does not swap the jar under the run.
JAR=${BENCH_JAR:-target/benchmarks.jar}
if [[ ! -f "$JAR" ]]; then
  echo "No $JAR: build it first with 'mvn -q -pl benchmarks -am package -DskipTests'." >&2
  exit 2
fi
# Spark's Java 17+ flags, read from the benchmarks' @Fork (their only copy).
read -r -a FLAGS <<< "$(java -cp "$JAR" dev.advancedspark.benchmarks.JvmFlags)"
mkdir -p target
start=$(date +%s)
# The JVM's compiler: C1 only, with a code cache of the usual size (as the test JVMs, see the root
# pom's test.jit): a smoke run is many short jobs on tiny data, over before C2's code would pay.
smoke() {
  java "${FLAGS[@]}" -Xmx3g -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m \
    -Dbench.reuseSession=true -jar "$JAR" \
    -f 0 -wi 0 -i 1 -foe true -p rows=20000 -p steps=4 -p sortRows=300000 "$@"
}
if [[ $# -gt 0 ]]; then
  smoke -rf json -rff target/jmh-smoke.json "$@"
else
  # Every benchmark method and every engine at least once, in two JVMs. The groupby grid's
  # q2-q9 run on Comet only: every other engine answers all ten questions in both layouts in
  # GroupByAnswersTest (mvn verify), and Comet, whose plugin is a start-time setting, runs its 16
  # trials in one SparkContext instead of restarting the reused one twice per question.
  smoke -e 'GroupByBenchmark\.q[2-9]$' -rf json -rff target/jmh-smoke.json
  smoke 'GroupByBenchmark\.q[2-9]$' -p engine=spark-comet-parquet -rf json \
    -rff target/jmh-smoke-groupby-comet.json
fi
echo "Smoke run finished: every selected benchmark ran once in $(( $(date +%s) - start )) s."
