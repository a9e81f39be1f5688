#!/bin/sh
# bench/run_sort.sh: the sort suite of bench/run (see bench/README.md).
# Prints a markdown section on stdout, progress on stderr.  SORT_N (default
# 16777216, a multiple of 4096) and SORT_REPS (default 5) set the size and
# the repetitions.
set -eu
cd "$(dirname "$0")/.."
N=${SORT_N:-16777216}
REPS=${SORT_REPS:-5}
BUILD=${BUILD:-build}

cmake --build "$BUILD" --target bench_sort -j2 >/dev/null

echo "bench/run_sort.sh: tocha_sort against qsort ($N float32, $REPS repetitions)..." >&2
rows=$("$BUILD/bench_sort" "$N" "$REPS" | sed -n 's/^ROW //p')

echo "## Sort"
echo
echo "\`tocha_sort\` (C core: sorted values and 0-based positions, stable; what \`x:sort()\` runs) on"
echo "float32 data uniform in [-1, 1), against the C library's \`qsort\` in the same process: of the"
echo "floats alone (values only, less work than tocha's) and of (value, position) pairs ordered by"
echo "value then position (tocha's answer). Calls alternate; medians of $REPS; both checked equal"
echo "first. Ratio: tocha's time / qsort's. qsort runs on one thread, and so does tocha on one lane;"
echo "the rows of a matrix are split over tocha's threads (shown for 1 and 2)."
echo
echo "| case | tocha ms | qsort values ms | ratio | qsort pairs ms | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "$rows"
