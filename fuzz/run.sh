#!/usr/bin/env bash
# The fuzz targets' runner (fuzz/README.md).
#
#   fuzz/run.sh TARGET SECONDS      fuzz TARGET (idx, load or api) for SECONDS on one
#                                   core, niced; new inputs go to build/fuzz/corpus/TARGET,
#                                   crashes to build/fuzz/artifacts/
#   fuzz/run.sh --check TARGET [S]  replay fuzz/corpus/TARGET, then fuzz S seconds (default
#                                   4) from it in a scratch directory: the test command's form
#   fuzz/run.sh --merge TARGET      add build/fuzz/corpus/TARGET's new coverage to the
#                                   committed corpus fuzz/corpus/TARGET (minimised)
#
# The targets are built by the main build (cmake --build build) into
# build/fuzz, or $TOCHA_FUZZ_BUILD.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${TOCHA_FUZZ_BUILD:-$here/../build/fuzz}"
mode=run
case "${1:-}" in
  --check) mode=check; shift ;;
  --merge) mode=merge; shift ;;
esac
target="${1:?usage: fuzz/run.sh [--check|--merge] idx|load|api [SECONDS]}"
case "$target" in idx | load | api) ;; *) echo "fuzz/run.sh: unknown target '$target'" >&2; exit 2 ;; esac
exe="$build/fuzz_$target"
[ -x "$exe" ] || { echo "fuzz/run.sh: $exe not built (cmake --build build, with clang installed)" >&2; exit 1; }
seeds="$here/corpus/$target"
# Small limits keep every input fast: a single allocation over 64 MB fails
# (an error in tocha, see host.c), and the process stays under 1.5 GB.
opts=(-dict="$here/$target.dict" -rss_limit_mb=1536 -malloc_limit_mb=96 -timeout=20 -max_len=4096
      -print_final_stats=1)
# fuzz_api: no leak check per input (Lua's garbage collector frees later, so
# libFuzzer would suspect nearly every input and rerun it under
# LeakSanitizer: 10 times slower); LeakSanitizer still checks at exit.
[ "$target" = api ] && opts+=(-detect_leaks=0)
[ -f "$here/$target.dict" ] || opts=("${opts[@]:1}")
export TOCHA_NUM_THREADS=1
case "$mode" in
  check)
    seconds="${2:-4}"
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    "$exe" "${opts[@]}" -runs=0 "$seeds"
    "$exe" "${opts[@]}" -max_total_time="$seconds" -artifact_prefix="$scratch/" "$scratch" "$seeds"
    ;;
  run)
    seconds="${2:?usage: fuzz/run.sh TARGET SECONDS}"
    mkdir -p "$build/corpus/$target" "$build/artifacts"
    exec nice "$exe" "${opts[@]}" -max_total_time="$seconds" -artifact_prefix="$build/artifacts/" \
      "$build/corpus/$target" "$seeds"
    ;;
  merge)
    "$exe" "${opts[@]}" -merge=1 "$seeds" "$build/corpus/$target"
    ;;
esac
