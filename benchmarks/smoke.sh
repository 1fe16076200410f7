#!/usr/bin/env bash
# Smoke mode: runs every benchmark of benchmarks.jar once on tiny data (20,000 rows, 4 lineage steps,
# 300,000 rows for the spill suite, which must spill), one
# iteration, no warm-up, in this JVM (-f 0) with one SparkContext reused across trials, so that
# a broken case (a set-up check, a missing data source in the shaded jar, a Kryo registration)
# fails CI. The figures it prints mean nothing.
#
#   benchmarks/smoke.sh                 # every benchmark
#   benchmarks/smoke.sh JoinBenchmark   # a subset (any JMH regex and options)
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
start=$(date +%s)
java "${FLAGS[@]}" -Xmx3g -Dbench.reuseSession=true -jar "$JAR" \
  -f 0 -wi 0 -i 1 -foe true -p rows=20000 -p steps=4 -p sortRows=300000 -rf json -rff target/jmh-smoke.json "$@"
echo "Smoke run finished: every selected benchmark ran once in $(( $(date +%s) - start )) s."
