#!/bin/sh
# kha-proxy against HAProxy and nginx on loopback (issue 3, Performance), the
# 1,000-idle-clients RSS row and the failover run. Usage: bench_proxy.sh BUILD_DIR
# Every server is started and killed (its process group) by the python driver;
# every load is bounded by wrk -d.
set -eu
build=${1:?usage: bench_proxy.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
# KHA_BENCH_DURATION (seconds per wrk row, default 5) shortens a trial run.
exec python3 "$here/lib/proxy_bench.py" "$build/bin/kha-proxy" --duration "${KHA_BENCH_DURATION:-5}"
