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
# ROUNDS=<n> (n >= 2) alternates the variants instead: n runs of one fork each (JMH -f 1), every
# -p list reversed in rounds 2, 4, ..., merged by MergeRuns into one result whose forks are the
# rounds. JMH runs all forks of a case back to back, so a load that changes during a run lands on
# some variants only; alternating puts every variant early in one round and late in the next.
# Only the lists given with -p are reversed (give every parameter that varies), and not the order
# of the benchmark methods, e.g.
#   ROUNDS=2 RESULT_NAME=JoinBenchmark benchmarks/run-suite.sh join.JoinBenchmark -wi 8 -i 5 \
#     -p engine=spark,comet -p shape=small-dim,two-large -p strategy=BROADCAST_HASH,SORT_MERGE
#
# Needs benchmarks/target/benchmarks.jar: mvn -q -pl benchmarks -am package -DskipTests
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: [ROUNDS=n] [RESULT_NAME=name] benchmarks/run-suite.sh <suite-regex> [JMH options]   e.g. GroupByBenchmark" >&2
  exit 2
fi
rounds=${ROUNDS:-1}
if [[ ! "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "ROUNDS must be a whole number of rounds, 1 or more: $rounds" >&2
  exit 2
fi
if (( rounds > 1 )); then
  for a in "$@"; do
    if [[ "$a" == -f || "$a" == -f[0-9]* ]]; then
      echo "ROUNDS=$rounds runs one fork per round (JMH -f 1): drop '$a' (the rounds are the forks)." >&2
      exit 2
    fi
  done
fi
# The JMH options with every -p list reversed, NUL-separated: -p k=a,b,c becomes -p k=c,b,a.
reversed_params() {
  local prev="" a k vals i out
  for a in "$@"; do
    if [[ "$prev" == -p && "$a" == *=* ]]; then
      k=${a%%=*}
      IFS=, read -ra vals <<<"${a#*=}"
      out=""
      for ((i = ${#vals[@]} - 1; i >= 0; i--)); do
        out+="${out:+,}${vals[i]}"
      done
      a="$k=$out"
    fi
    printf '%s\0' "$a"
    prev=$a
  done
}
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
if (( rounds == 1 )); then
  java -jar "$JAR" "$suite" -rf json -rff "target/jmh-$name.json" "$@"
  order="JMH default: cases in parameter order, each case's forks back to back, not interleaved"
else
  round_files=()
  for ((r = 1; r <= rounds; r++)); do
    if (( r % 2 == 1 )); then
      args=("$@")
    else
      mapfile -d '' args < <(reversed_params "$@")
    fi
    echo "Round $r of $rounds: $suite -f 1 ${args[*]}"
    java -jar "$JAR" "$suite" -f 1 -rf json -rff "target/jmh-$name-round$r.json" "${args[@]}"
    round_files+=("target/jmh-$name-round$r.json")
  done
  java -cp "$JAR" dev.advancedspark.benchmarks.report.MergeRuns "target/jmh-$name.json" "${round_files[@]}"
  order="alternated: $rounds rounds of one fork each (JMH -f 1), every -p list reversed in rounds 2, 4, ..."
fi
wall=$(( $(date +%s) - start ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
cp "target/jmh-$name.json" "results/jmh-$name.json"
cat > "results/jmh-$name.properties" <<PROPS
command=${ROUNDS:+ROUNDS=$ROUNDS }${RESULT_NAME:+RESULT_NAME=$RESULT_NAME }benchmarks/run-suite.sh $suite $*
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
order=$order
PROPS
java -Djava.awt.headless=true -cp "$JAR" dev.advancedspark.benchmarks.report.ResultsReport results RESULTS.md
echo "Suite '$suite' took ${wall} s; RESULTS.md, results.html and charts/ regenerated."
