#!/bin/bash
# Helpers for the proxyctl_* and proxy_cli_* scenarios: loopback HTTP
# backends that answer with their own name, free ports, waiting. Sourced by
# those scripts; run on its own (CTest does) it checks its own stubs work.
set -euo pipefail

KHA_BIN=${KHA_BIN:?KHA_BIN must name the folder with kha-proxy and kha-proxyctl}
# shellcheck disable=SC2034 # used by the scripts that source this one
PROXY=$KHA_BIN/kha-proxy
# shellcheck disable=SC2034
PROXYCTL=$KHA_BIN/kha-proxyctl

# A temp folder removed on exit, with every process started through
# start_bg killed first.
WORK=$(mktemp -d /tmp/kha-e2e-proxyctl.XXXXXX)
BG_PIDS=()
cleanup() {
  local pid
  for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# free_port: a TCP port on 127.0.0.1 nobody listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cat >"$WORK/backend.py" <<'PY'
# A backend that answers every GET with its name; /slow?N waits N seconds first.
import http.server, sys, time
port, name = int(sys.argv[1]), sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path.startswith("/slow?"):
            time.sleep(float(self.path.split("?")[1]))
        body = (name + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY

# wait_for_port PORT: until something accepts on 127.0.0.1:PORT (10 s at most).
wait_for_port() {
  local _
  for _ in $(seq 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  fail "nothing listens on port $1"
}

# start_backend NAME: starts a backend and sets BACKEND_PORT to its port
# (not printed: a $(...) would wait for the backend's inherited stdout).
start_backend() {
  BACKEND_PORT=$(free_port)
  python3 "$WORK/backend.py" "$BACKEND_PORT" "$1" >/dev/null 2>&1 &
  BG_PIDS+=($!)
  wait_for_port "$BACKEND_PORT"
}

# get PORT [PATH]: the body a GET through 127.0.0.1:PORT returns.
get() {
  curl -sS --max-time 20 "http://127.0.0.1:$1${2:-/}"
}

# wait_for FILE: until FILE exists (10 s at most).
wait_for() {
  local _
  for _ in $(seq 100); do
    [ -e "$1" ] && return 0
    sleep 0.1
  done
  fail "$1 did not appear"
}

# wait_gone PID: until the process has exited (20 s at most).
wait_gone() {
  local _
  for _ in $(seq 200); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  fail "process $1 did not exit"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Self-check: two stubs answer with their own names on their own ports.
  start_backend alpha
  a=$BACKEND_PORT
  start_backend beta
  b=$BACKEND_PORT
  [ "$(get "$a")" = alpha ] || fail "backend alpha did not answer with its name"
  [ "$(get "$b" '/slow?0.1')" = beta ] || fail "backend beta did not answer /slow"
  [ "$a" != "$b" ] || fail "two backends on one port"
  echo "PASS: proxyctl_lib"
fi
