#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzzers for a bounded time, each
# from its seed corpus in tests/fuzz/corpus/<target>/ (read only: new inputs
# go to a temporary directory). Fails on the first crash, leak or invariant
# failure and keeps the input that caused it in BUILD_DIR/fuzz-artifacts/.
#
# Usage: tests/fuzz/run.sh BUILD_DIR [TOTAL_SECONDS]
#   TOTAL_SECONDS (or KHA_FUZZ_SECONDS) is shared between the targets; default 60.
set -euo pipefail

build=${1:?usage: tests/fuzz/run.sh BUILD_DIR [TOTAL_SECONDS]}
total=${2:-${KHA_FUZZ_SECONDS:-60}}
here=$(cd "$(dirname "$0")" && pwd)

shopt -s nullglob
targets=("$build"/fuzzers/*_fuzz)
if [ ${#targets[@]} -eq 0 ]; then
  echo "[ERROR] no fuzz targets in $build/fuzzers (configure with -DKHA_FUZZ=ON and build)" >&2
  exit 1
fi
per_target=$((total / ${#targets[@]}))
[ "$per_target" -ge 1 ] || per_target=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

# UBSan reports are failures too, not just log lines.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=0
for target in "${targets[@]}"; do
  name=$(basename "$target")
  seeds="$here/corpus/$name"
  mkdir -p "$work/$name" "$artifacts/$name"
  args=(-max_total_time="$per_target" -timeout=10 -rss_limit_mb=2048 -max_len=4096
        -print_final_stats=1 -artifact_prefix="$artifacts/$name/")
  # A target's own dictionary, else its family's (http_request_fuzz -> http.dict).
  if [ -f "$here/$name.dict" ]; then
    args+=(-dict="$here/$name.dict")
  elif [ -f "$here/${name%%_*}.dict" ]; then
    args+=(-dict="$here/${name%%_*}.dict")
  fi
  corpora=("$work/$name")
  [ -d "$seeds" ] && corpora+=("$seeds")
  echo "[INFO] fuzzing $name for ${per_target}s"
  # The outer timeout only guards against a hung target; libFuzzer stops itself.
  if timeout $((per_target + 120)) "$target" "${args[@]}" "${corpora[@]}" \
      >"$work/$name.log" 2>&1; then
    grep -E '^stat::number_of_executed_units' "$work/$name.log" | sed "s/^/[INFO] $name: /" || true
  else
    failed=1
    tail -n 40 "$work/$name.log" >&2
    echo "[ERROR] $name failed; reproduce with: $target $artifacts/$name/<crash file>" >&2
  fi
done
exit "$failed"
