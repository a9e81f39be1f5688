#!/usr/bin/env bash
# bench/run_distributed.sh: tocha.distributed on this machine (needs MPI):
# MLP 784-1024-1024-10 batch 128, 1x1, 1x2 threads, 2 processes x 1 thread.
# A suite of bench/run: prints its markdown section on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
STEPS=${STEPS:-30}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
cmake --build "$BUILD" --target tocha_distributed_lua -j2 >/dev/null 2>&1 || true
[ -f "$BUILD/lua/tocha/distributed_core.so" ] && command -v mpirun >/dev/null || { echo "distributed: no MPI, skipped"; exit 0; }
out=$(
  THREADS=1 BUILD=$BUILD lua5.4 bench/bench_distributed.lua "$STEPS"
  THREADS=2 BUILD=$BUILD lua5.4 bench/bench_distributed.lua "$STEPS"
  THREADS=1 BUILD=$BUILD mpirun -np 2 --oversubscribe -x THREADS -x BUILD -x OPENBLAS_NUM_THREADS lua5.4 bench/bench_distributed.lua "$STEPS"
)
{
  echo "## distributed ($(date -u +%F), $(git rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores)"
  echo
  echo "$out" | sed 's/^/    /'
}
