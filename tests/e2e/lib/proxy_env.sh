# Shared helpers for tests/e2e/proxy_*.sh: temp dir, python backends and a
# kha-proxy on loopback, all stopped by the EXIT trap. Source it.
# shellcheck shell=bash disable=SC2034 # variables here are read by the scripts that source it
KHA_BIN=${KHA_BIN:?KHA_BIN must name the folder with kha-proxy}
LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/proxy.log" ]; then
    echo "--- kha-proxy log (last 30 lines)" >&2
    tail -n 30 "$WORK/proxy.log" >&2
  fi
  exit 1
}

# A free loopback port (bound then released).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for COMMAND...: retries for up to 10 s.
wait_for() {
  for _ in $(seq 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_backend NAME [ARGS...]: starts lib/backend.py; sets BACKEND_PORT and
# BACKEND_PID (also recorded in BACKEND_PIDS[NAME]).
declare -A BACKEND_PIDS
start_backend() {
  local name=$1
  shift
  rm -f "$WORK/$name.port"
  python3 "$LIB/backend.py" --name "$name" --port-file "$WORK/$name.port" "$@" &
  BACKEND_PID=$!
  PIDS+=("$BACKEND_PID")
  BACKEND_PIDS[$name]=$BACKEND_PID
  wait_for test -s "$WORK/$name.port" || fail "backend $name did not start"
  BACKEND_PORT=$(cat "$WORK/$name.port")
}

# start_proxy CONFIG_FILE PORT: runs kha-proxy in the foreground, logging to
# $WORK/proxy.log, and waits until PORT accepts connections.
start_proxy() {
  "$KHA_BIN/kha-proxy" -e -f "$1" >"$WORK/proxy.log" 2>&1 &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  wait_for python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 1)" ||
    fail "kha-proxy did not listen on $2"
}

# backend_block PORT [PRIORITY]: a BackEnd section for pound.cfg.
backend_block() {
  printf '    BackEnd\n      Address 127.0.0.1\n      Port %s\n      Priority %s\n    End\n' \
    "$1" "${2:-5}"
}
