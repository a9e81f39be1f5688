#!/bin/sh
# bench/run_dropout.sh: the dropout suite of bench/run (see bench/README.md).
# Prints a markdown section on stdout, progress on stderr.  DROPOUT_REPS
# (default 21) sets the repetitions per figure.
set -eu
cd "$(dirname "$0")/.."
REPS=${DROPOUT_REPS:-21}
BUILD=${BUILD:-build}
LUA=${LUA:-lua5.4}
BLOCK=3 # Lua and C stream samples alternate in blocks of this many calls

cmake --build "$BUILD" --target bench_dropout tocha_lua tocha_cpu -j2 >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { # median of the numbers in file $1
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "bench/run_dropout.sh: C benchmark (1M and 16M float32, $REPS repetitions)..." >&2
"$BUILD/bench_dropout" "$REPS" > "$tmp/c.out"
sed -n 's/^STREAM //p' "$tmp/c.out" > "$tmp/stream"
sed -n 's/^ROW //p' "$tmp/c.out" > "$tmp/rows"
sed -n 's/^SPEEDUP //p' "$tmp/c.out" > "$tmp/speedup"
sed -n 's/^PLAY //p' "$tmp/c.out" > "$tmp/play"
info=$(sed -n 's/^INFO tocha kernels: //p' "$tmp/c.out")
openmp=$(sed -n 's/^INFO OpenMP: //p' "$tmp/c.out")

echo "bench/run_dropout.sh: Lua nn.Dropout, alternating with the stream kernels from C..." >&2
blocks=$(( (REPS + BLOCK - 1) / BLOCK ))
for size in 1M 16M; do
  case $size in 1M) n=1048576 ;; 16M) n=16777216 ;; esac
  for threads in 1 2; do
    for f in fwd bwd sfwd sbwd fwd.ratio bwd.ratio; do : > "$tmp/$f"; done
    i=0
    while [ "$i" -lt "$blocks" ]; do
      c_run() {
        "$BUILD/bench_dropout" --stream-samples "$n" "$BLOCK" "$threads" > "$tmp/c"
      }
      lua_run() {
        LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/lua/?.so;;" \
          "$LUA" bench/bench_dropout.lua "$n" "$BLOCK" "$threads" > "$tmp/lua"
      }
      if [ $((i % 2)) -eq 0 ]; then c_run; lua_run; else lua_run; c_run; fi
      for d in fwd bwd; do
        awk -v k="$d" '$2 == k { print $3 }' "$tmp/lua" > "$tmp/$d.block"
        awk -v k="stream_$d" '$2 == k { print $3 }' "$tmp/c" > "$tmp/s$d.block"
        cat "$tmp/$d.block" >> "$tmp/$d"
        cat "$tmp/s$d.block" >> "$tmp/s$d"
        # fraction of the limit: stream time / tocha time, per pair of runs
        awk -v a="$(median "$tmp/s$d.block")" -v b="$(median "$tmp/$d.block")" 'BEGIN { print a / b }' >> "$tmp/$d.ratio"
      done
      i=$((i + 1))
    done
    for d in fwd bwd; do
      # shellcheck disable=SC2016 # the backquotes are markdown
      case $d in
        fwd) label='Lua `nn.Dropout:forward`' ;;
        bwd) label='Lua `nn.Dropout:backward`' ;;
      esac
      awk -v l="$label" -v s="$size" -v t="$threads" -v ms="$(median "$tmp/$d")" -v lim="$(median "$tmp/s$d")" \
        -v r="$(median "$tmp/$d.ratio")" -v n="$n" 'BEGIN {
        printf "| %s | %s | %d | %.3f | %.3f | %.3f | %.2f | 0.125 |\n", l, s, t, ms, lim, r, n / (ms * 1e-3) * 1e-9 }' \
        >> "$tmp/luarows"
    done
  done
done

echo "## Dropout"
echo
echo "nn.Dropout(0.5) in training mode on float32 tensors of 1M and 16M elements: tocha's kernel"
echo "against the machine's own limit for the same memory traffic, measured in the same run by a"
echo "small C stream kernel (no random numbers): forward reads 4 B and writes 4 B + 1 bit per"
echo "element, backward reads 4 B + 1 bit and writes 4 B. The limit is the faster of ordinary and"
echo "streaming (non-temporal) stores. Kernels: tocha $info."
echo
echo "| stream kernel | elements | threads | ordinary stores ms | streaming stores ms | limit GB/s |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
cat "$tmp/stream"
echo
echo "Fraction of the limit = limit time / tocha time (1 = at the limit; target >= 0.80 for 16M"
echo "elements on 1 thread). C rows: tocha and the limit kernel alternate in one loop, in both orders"
echo "in turn; every timed call is the second of two identical calls; fraction = median over pairs"
echo "of repetitions (one in each order) of the pair's limit time / tocha time; ms columns: medians"
echo "of the pairs' means ($REPS repetitions, rounded up to even). Lua rows: runs of the Lua script"
echo "alternate with runs of \`bench_dropout --stream-samples\`, $BLOCK calls each, same pattern;"
echo "fraction = median over the $blocks pairs of runs; ms columns: medians of all calls."
echo "Mask: bytes stored per element."
echo
echo "| path | elements | threads | tocha ms | limit ms | fraction of limit | G elements/s | mask B/element |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
cat "$tmp/rows" "$tmp/luarows"
echo
echo "2 threads against 1 (time on 1 thread / time on 2), from the C rows; target for tocha: >= 1.3"
echo "where the stream limit itself speeds up that much."
echo
echo "| direction | elements | stream limit speedup | tocha speedup |"
echo "| --- | --- | ---: | ---: |"
cat "$tmp/speedup"
echo
echo "Threads next to OpenBLAS's (2 threads; dropout forward on 1M float32 elements, \`cblas_sgemm\`"
echo "512x512x512, on OpenBLAS's own 2 threads): tocha's pool (workers poll 0.1 ms, yielding, then sleep) against the same kernel"
echo "split over an OpenMP parallel loop ($openmp), each call timed"
echo "right after the other kind of call and against a baseline; medians of $REPS. After each call"
echo "OpenBLAS's worker threads spin for a while before they sleep, and so do OpenMP's."
echo
echo "| sequence | ms |"
echo "| --- | ---: |"
cat "$tmp/play"
