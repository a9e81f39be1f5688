#!/bin/sh
# The Logger:plot suite (bench/bench_logger.lua): a 10^4-step training loop
# alone, with logger:add and one plot at the end, and with logger:plot
# after every step; the median of LOGGER_REPS runs of each (default 9).
set -eu
cd "$(dirname "$0")/.."
LUA=${LUA:-lua5.4}
BUILD=${BUILD:-build}
STEPS=${LOGGER_STEPS:-10000}
REPS=${LOGGER_REPS:-9}
export LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/lua/?.so;;"
dir=$(mktemp -d)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# The variants take turns, so that a change of the machine's load hits all three.
for _ in $(seq "$REPS"); do
  for v in none once every; do
    t0=$(date +%s%N)
    "$LUA" bench/bench_logger.lua "$v" "$STEPS" "$dir"
    t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000 ))" | awk '{printf "%.4f\n", $1 / 1e6}' >> "$dir/$v.all"
  done
done
for v in none once every; do median < "$dir/$v.all" > "$dir/$v.t"; done
echo "logger: done" >&2
none=$(cat "$dir/none.t"); once=$(cat "$dir/once.t"); every=$(cat "$dir/every.t")
rm -rf "$dir"
echo "## optim.Logger:plot every step (run_logger.sh)"
echo
echo "$STEPS SGD steps of a Linear(2, 1), median of $REPS runs (seconds, each process from start to exit,"
echo "so the plot drawn at the end counts)."
echo
echo "| variant | time (s) | vs the loop alone | vs one plot at the end |"
echo "|---|---:|---:|---:|"
awk -v n="$none" -v o="$once" -v e="$every" 'BEGIN {
  printf "| loop alone | %.3f | 1.00 | |\n", n
  printf "| add every step, plot once | %.3f | %.2f | 1.00 |\n", o, o / n
  printf "| add and plot every step | %.3f | %.2f | %.2f |\n", e, e / n, e / o }'
