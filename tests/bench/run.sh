#!/bin/sh
# make bench: every benchmark, each printing its table with ratios against
# its goal or against the peers measured in the same run.
# Usage: tests/bench/run.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

echo "== kha-install"
python3 "$here/installer.py" "$build/bin/kha-install" "$source_dir/examples/answers.toml"
for bench in "$here"/bench_*.sh; do
  [ -e "$bench" ] || continue
  echo
  echo "== $(basename "$bench" .sh | sed 's/^bench_//')"
  sh "$bench" "$build"
done
