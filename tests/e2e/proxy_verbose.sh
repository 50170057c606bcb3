#!/bin/bash
# -v adds debug lines: the services as understood, why a request was refused,
# new backend connections; without -v there are none.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend api
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  xHTTP 1
  Service "api"
$(backend_block "$BACKEND_PORT" 3)
  End
End
CFG

exercise() {
  curl -s -o /dev/null "http://127.0.0.1:$PORT/ok"
  # Content-Length with Transfer-Encoding: refused before any backend sees it.
  printf 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n' |
    timeout 5 python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $PORT), 2)
s.sendall(sys.stdin.buffer.read())
s.recv(4096)"
}

"$KHA_BIN/kha-proxy" -e -v -f "$WORK/pound.cfg" >"$WORK/verbose.log" 2>&1 &
PIDS+=($!)
wait_for python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" ||
  fail "kha-proxy -v did not listen on $PORT"
exercise
kill -TERM "${PIDS[-1]}"
wait "${PIDS[-1]}" || true
log=$(cat "$WORK/verbose.log")
for expected in \
  "[DEBUG] listener 127.0.0.1:$PORT: xHTTP 1, Client 10 s, 1 service(s)" \
  "[DEBUG] listener 127.0.0.1:$PORT service \"api\": backends 127.0.0.1:$BACKEND_PORT (priority 3)" \
  "[DEBUG] new connection to backend 127.0.0.1:$BACKEND_PORT" \
  "[DEBUG] request from 127.0.0.1 refused with 400: Content-Length with Transfer-Encoding"; do
  grep -qxF "$expected" <<<"$log" || fail "missing with -v: '$expected'; log: $log"
done

start_proxy "$WORK/pound.cfg" "$PORT"
exercise
kill -TERM "$PROXY_PID"
wait "$PROXY_PID" || true
if grep -q DEBUG "$WORK/proxy.log"; then fail "debug lines without -v: $(cat "$WORK/proxy.log")"; fi
echo "ok"
