#!/bin/sh
# kha-install's payload (issue 4): size, --check, full install into an empty
# root, --extract against tar -x. Usage: bench_payload.sh BUILD_DIR
set -eu
build=${1:?usage: bench_payload.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
exec python3 "$here/lib/payload_bench.py" "$build/bin/kha-install" "$source_dir/examples/answers.toml"
