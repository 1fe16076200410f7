#!/usr/bin/env bash
# Runs one benchmark suite for real and regenerates RESULTS.md and the charts from every result
# kept in benchmarks/results/.
#
#   benchmarks/run-suite.sh <suite-regex> [JMH options]
#   benchmarks/run-suite.sh GroupByBenchmark
#   benchmarks/run-suite.sh JoinBenchmark -p rows=2000000
#
# JMH options override the defaults of the benchmark classes (2 forks, 3 warm-up and 5 measured
# single-shot iterations, the documented sizes). The JSON goes to target/jmh-<name>.json and is
# copied to results/ with a .properties file recording the command, wall time, load average before
# and after, the git commit of the measured code (and whether the work tree had changes), the JDK,
# Spark and DuckDB versions inside the jar, and the machine (CPU model, cores, memory).
#
# RESULT_NAME=<name> names the result files (default: the regex, e.g. GroupByBenchmark): a run with
# a narrower regex can replace a suite's earlier result, e.g.
#   RESULT_NAME=JoinBenchmark benchmarks/run-suite.sh 'join.JoinBenchmark' -p rows=1000000,2000000
# (the regex 'JoinBenchmark' alone would also run SkewJoinBenchmark).
#
# Needs benchmarks/target/benchmarks.jar: mvn -q -pl benchmarks -am package -DskipTests
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: benchmarks/run-suite.sh <suite-regex> [JMH options]   e.g. GroupByBenchmark" >&2
  exit 2
fi
cd "$(dirname "$0")"
# BENCH_JAR: run from a copy, so that rebuilding the module does not swap the jar under running forks.
JAR=${BENCH_JAR:-target/benchmarks.jar}
if [[ ! -f "$JAR" ]]; then
  echo "No $JAR: build it first with 'mvn -q -pl benchmarks -am package -DskipTests'." >&2
  exit 2
fi
suite="$1"
shift
name=${RESULT_NAME:-$(echo "$suite" | tr -c 'A-Za-z0-9_\n' '-')}
if [[ ! "$name" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "RESULT_NAME must be letters, digits, '_' or '-': $name" >&2
  exit 2
fi
classes=$(java -jar "$JAR" -l "$suite" | sed -n 's/^dev\.advancedspark\.benchmarks\.\(.*\)\.[^.]*$/\1/p' \
  | sed 's/.*\.//' | sort -u | tr '\n' ' ')
if [[ -z "$classes" ]]; then
  echo "No benchmark matches '$suite'. Available:" >&2
  java -jar "$JAR" -l >&2
  exit 2
fi
mkdir -p results target
# What was measured: the commit, the versions in the jar, the machine.
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
git_dirty=false
if [[ -n "$(git status --porcelain -- src pom.xml ../pom.xml ../common/src ../part1-architecture/src ../part2-dataframes/src ../part3-tuning/src 2>/dev/null)" ]]; then
  git_dirty=true
fi
run_info=$(java -cp "$JAR" dev.advancedspark.benchmarks.report.RunInfo)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
mem_kb=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo 2>/dev/null)
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
start=$(date +%s)
java -jar "$JAR" "$suite" -rf json -rff "target/jmh-$name.json" "$@"
wall=$(( $(date +%s) - start ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
cp "target/jmh-$name.json" "results/jmh-$name.json"
cat > "results/jmh-$name.properties" <<PROPS
command=${RESULT_NAME:+RESULT_NAME=$RESULT_NAME }benchmarks/run-suite.sh $suite $*
classes=$classes
started=$started
wall_seconds=$wall
load_before=$load_before
load_after=$load_after
git_commit=$git_commit
git_dirty=$git_dirty
$run_info
cpu=${cpu:-unknown}
memory_kb=${mem_kb:-unknown}
order=JMH default: cases in parameter order, each case's forks back to back, not interleaved
PROPS
java -Djava.awt.headless=true -cp "$JAR" dev.advancedspark.benchmarks.report.ResultsReport results RESULTS.md
echo "Suite '$suite' took ${wall} s; RESULTS.md, results.html and charts/ regenerated."
