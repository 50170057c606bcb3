#!/bin/bash
# Persistent client connections through kha-proxy: curl reuses one
# connection, pipelined requests come back in order, X-Forwarded-For is
# appended, Host kept, PATCH bodies (xHTTP 1) arrive whole.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
TimeOut 5
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  xHTTP 1
  Service
$(backend_block "$BACKEND_PORT")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"

out=$(timeout 20 curl -sS -v "http://127.0.0.1:$PORT/one" "http://127.0.0.1:$PORT/two" 2>"$WORK/curl.err")
[ "$out" = "a GET /onea GET /two" ] || fail "keep-alive answers: '$out'"
grep -q "Re-using existing connection" "$WORK/curl.err" || fail "curl opened a second connection"

out=$(timeout 20 curl -sS -X PATCH -H 'Content-Type: application/merge-patch+json' \
  --data '{"spec":{"replicas":3}}' "http://127.0.0.1:$PORT/apis/x")
[ "$out" = 'a got 23 bytes: {"spec":{"replicas":3}}' ] || fail "PATCH answer: '$out'"

out=$(timeout 20 curl -sS -H 'Host: api.example' -H 'X-Forwarded-For: 192.0.2.1' \
  "http://127.0.0.1:$PORT/headers")
grep -qx 'Host: api.example' <<<"$out" || fail "Host not kept: $out"
grep -qx 'X-Forwarded-For: 192.0.2.1, 127.0.0.1' <<<"$out" || fail "X-Forwarded-For: $out"

timeout 20 python3 - "$PORT" <<'PY' || fail "pipelined answers out of order"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"GET /p1 HTTP/1.1\r\nHost: h\r\n\r\n"
          b"POST /p2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"
          b"HEAD /p3 HTTP/1.1\r\nHost: h\r\n\r\n"
          b"GET /p4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
want = [b"a GET /p1", b"a got 2 bytes: hi", b"a GET /p4"]
positions = [data.find(w) for w in want]
assert all(p >= 0 for p in positions) and positions == sorted(positions), data
assert data.count(b"HTTP/1.1 200") == 4, data
assert b"a HEAD" not in data, data
PY
echo "ok"
