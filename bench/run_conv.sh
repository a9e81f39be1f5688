#!/bin/sh
# bench/run_conv.sh: the conv suite of bench/run (see bench/README.md).
# Prints a markdown section on stdout, progress on stderr.  CONV_N (image
# side, default 512), CONV_K (kernel side, default 9), CONV_REPS (default 5).
set -eu
cd "$(dirname "$0")/.."
N=${CONV_N:-512}
K=${CONV_K:-9}
REPS=${CONV_REPS:-5}
BUILD=${BUILD:-build}

cmake --build "$BUILD" --target bench_conv -j2 >/dev/null

echo "bench/run_conv.sh: tocha_conv against a plain C loop (${N}x${N} * ${K}x${K}, $REPS repetitions)..." >&2
rows=$("$BUILD/bench_conv" "$N" "$K" "$REPS" | sed -n 's/^ROW //p')

echo "## Convolution"
echo
echo "\`tocha_conv\` (C core, what \`torch.conv2(x, k)\` runs: inputs copied to float64, kernel"
echo "flipped, sums in double) against the textbook four nested loops on the same contiguous"
echo "float64 arrays, in the same process; both checked equal first. Calls alternate; medians of"
echo "$REPS. Ratio: tocha's time / the loop's. One thread each."
echo
echo "| case | tocha ms | plain loop ms | ratio |"
echo "| --- | ---: | ---: | ---: |"
echo "$rows"
