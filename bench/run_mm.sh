#!/bin/sh
# bench/run_mm.sh: the matrix-product suite of bench/run (see bench/README.md).
# Prints a markdown section on stdout, progress on stderr.  Run by bench/run,
# which sets BUILD, LUA and OPENBLAS_CORETYPE; MM_N (default 1024) and
# MM_REPS (default 21) set the size and the repetitions.
set -eu
cd "$(dirname "$0")/.."
N=${MM_N:-1024}
REPS=${MM_REPS:-21}
BUILD=${BUILD:-build}
LUA=${LUA:-lua5.4}
BLOCK=3 # Lua and C sgemm samples alternate in blocks of this many calls

cmake --build "$BUILD" --target bench_mm tocha_lua tocha_cpu -j2 >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { # median of the numbers in file $1
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "bench/run_mm.sh: C benchmark (${N}x${N} float32, $REPS repetitions)..." >&2
"$BUILD/bench_mm" "$N" "$REPS" | sed -n 's/^ROW //p' > "$tmp/rows"

echo "bench/run_mm.sh: Lua benchmark, alternating with cblas_sgemm from C..." >&2
blocks=$(( (REPS + BLOCK - 1) / BLOCK ))
c_run() { # $1 threads: BLOCK cblas_sgemm times (ms) into $tmp/c
  "$BUILD/bench_mm" --sgemm-samples "$N" "$BLOCK" "$1" | awk '$1 == "SAMPLE" { print $3 }' > "$tmp/c"
}
lua_run() { # $1 threads: BLOCK times of each Lua path into $tmp/into.block and $tmp/new.block
  LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/lua/?.so;;" \
    "$LUA" bench/bench_mm.lua "$N" "$BLOCK" "$1" > "$tmp/lua"
  awk '$2 == "into" { print $3 }' "$tmp/lua" > "$tmp/into.block"
  awk '$2 == "new" { print $3 }' "$tmp/lua" > "$tmp/new.block"
}
# The Lua rows' ratio is paired: the median over blocks of (median of the
# Lua block / median of the adjacent C block), so drifting machine load
# cancels within each pair; the ms columns are medians of all samples.
for threads in 1 2; do
  for f in sgemm into new into.ratio new.ratio; do : > "$tmp/$f"; done
  i=0
  while [ "$i" -lt "$blocks" ]; do
    if [ $((i % 2)) -eq 0 ]; then c_run "$threads"; lua_run "$threads"; else lua_run "$threads"; c_run "$threads"; fi
    cat "$tmp/c" >> "$tmp/sgemm"
    cref=$(median "$tmp/c")
    for kind in into new; do
      cat "$tmp/$kind.block" >> "$tmp/$kind"
      awk -v a="$(median "$tmp/$kind.block")" -v b="$cref" 'BEGIN { print a / b }' >> "$tmp/$kind.ratio"
    done
    i=$((i + 1))
  done
  ref=$(median "$tmp/sgemm")
  for kind in into new; do
    # shellcheck disable=SC2016 # the backquotes are markdown
    case $kind in
      into) label='Lua `tocha.mm(res, a, b)`' ;;
      new) label='Lua `a:mm(b)` (new result each call)' ;;
    esac
    ms=$(median "$tmp/$kind")
    ratio=$(median "$tmp/$kind.ratio")
    awk -v l="$label" -v t="$threads" -v ms="$ms" -v ref="$ref" -v r="$ratio" -v n="$N" 'BEGIN {
      printf "| %s | %d | %.2f | %.2f | %.3f | %.1f |\n", l, t, ms, ref, r, 2 * n * n * n * 1e-9 / (ms * 1e-3) }' >> "$tmp/rows"
  done
done

echo "## Matrix product"
echo
echo "${N}x${N} float32 matrix product, median of $REPS calls per figure."
echo "Ratio: tocha's time / the time of \`cblas_sgemm\` called straight from C at the same thread"
echo "count. C rows: both calls alternate in one loop; ratio of the medians. Lua rows: runs of the"
echo "Lua script alternate with runs of \`bench_mm --sgemm-samples\`, $BLOCK calls each; ratio = median"
echo "over the $blocks pairs of runs of (Lua median / C median); ms columns: medians of all calls."
echo "Target: <= 1.1."
echo
echo "| path | threads | tocha ms | cblas_sgemm ms | ratio | tocha GFLOP/s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
cat "$tmp/rows"
