#!/bin/sh
# bench/run_cnn.sh: the CNN suite of bench/run (see bench/README.md):
# tocha's CNN training step against the sgemm floor of its products, each
# convolution's parts against theirs, allocations per warm step, and
# PyTorch's step when Debian's python3-torch is installed.  CNN_STEPS
# (default 5) and CNN_BLOCKS (default 9) set the steps per block and the
# blocks.  About two minutes on a 2-core machine.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LUA=${LUA:-lua5.4}
cmake --build "$BUILD" --target bench_cnn bench_mlp bench_mlp_alloc tocha_lua tocha_cpu -j2 >/dev/null
echo "bench/run_cnn.sh: CNN step against the sgemm floor..." >&2
LD_PRELOAD="$PWD/$BUILD/bench/libbench_mlp_alloc.so${LD_PRELOAD:+:$LD_PRELOAD}" \
  LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/lua/?.so;$BUILD/bench/?.so;;" \
  "$LUA" bench/bench_cnn.lua "${CNN_STEPS:-5}" "${CNN_BLOCKS:-9}"
