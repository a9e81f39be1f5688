#!/bin/sh
# bench/run_mlp.sh: the MLP training suite of bench/run (see bench/README.md):
# tocha's training step against the sgemm floor of its matrix products,
# heap allocations per step, and one Fashion-MNIST training epoch.
# Prints a markdown section on stdout, progress on stderr.  Run by bench/run,
# which sets BUILD, LUA and OPENBLAS_CORETYPE; MLP_STEPS (default 10) and
# MLP_BLOCKS (default 31) set the steps per block and the pairs of blocks,
# MLP_EPOCH=0 skips the epoch.  About a minute on a 2-core machine.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LUA=${LUA:-lua5.4}
STEPS=${MLP_STEPS:-10}
BLOCKS=${MLP_BLOCKS:-31}
EPOCH=${MLP_EPOCH:-1}

cmake --build "$BUILD" --target bench_mlp bench_mlp_alloc tocha_lua tocha_cpu -j2 >/dev/null

echo "bench/run_mlp.sh: training step against the sgemm floor, allocations, Fashion-MNIST epoch..." >&2
# libbench_mlp_alloc.so counts every malloc of the process (it is not
# linked with OpenBLAS, so preloading it does not load OpenBLAS before
# tocha has chosen its kernels).
LD_PRELOAD="$PWD/$BUILD/bench/libbench_mlp_alloc.so${LD_PRELOAD:+:$LD_PRELOAD}" \
  LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="$BUILD/lua/?.so;$BUILD/bench/?.so;;" \
  "$LUA" bench/bench_mlp.lua "$STEPS" "$BLOCKS" "$EPOCH"
