#!/bin/bash
# Issue 3 audit: a ListenHTTP's own directives seen from a real client.
# CheckURL (501 with the Err501 page), Err414 for an overlong request line,
# the built-in 431 page for an overlong head, MaxRequest (413 with the Err413
# page, Content-Length and chunked), xHTTP 0 (PUT gets 405, an unknown
# method 501), Err503 while a service's only backend is dead, HeadRemove and
# AddHeader as the backend sees them, and 204/304 answers passed on without
# a body while the connection keeps serving.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
good=$BACKEND_PORT
dead=$(free_port) # nothing listens there

# A backend answering 204 and 304 (the latter with a Content-Length, as a
# cache validation may carry), anything else 200 "ok".
cat >"$WORK/nobody.py" <<'PY'
import socket, sys, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(c):
    data = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
        while b"\r\n\r\n" in data:
            head, data = data.split(b"\r\n\r\n", 1)
            path = head.split(b" ")[1]
            if path.endswith(b"/204"):
                c.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
            elif path.endswith(b"/304"):
                c.sendall(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")
            else:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    c.close()
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
python3 "$WORK/nobody.py" "$WORK/nobody.port" &
PIDS+=("$!")
wait_for test -s "$WORK/nobody.port" || fail "the 204/304 backend did not start"
nobody=$(cat "$WORK/nobody.port")

for status in 413 414 501 503; do echo "custom page $status" >"$WORK/err$status.html"; done
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
Alive 30
TimeOut 5
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  xHTTP 0
  MaxRequest 10
  CheckURL "^/(ok|dead|nobody|headers)"
  HeadRemove "^X-Secret"
  AddHeader "X-Added: by-proxy"
  Err413 "$WORK/err413.html"
  Err414 "$WORK/err414.html"
  Err501 "$WORK/err501.html"
  Err503 "$WORK/err503.html"
  Service
    URL "^/dead"
$(backend_block "$dead")
  End
  Service
    URL "^/nobody"
$(backend_block "$nobody")
  End
  Service
$(backend_block "$good")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"
url="http://127.0.0.1:$PORT"

# expect_page STATUS BODY CURL_ARGS...: the status and the exact body.
expect_page() {
  local status=$1 body=$2
  shift 2
  local got what="$*"
  what=${what:0:120} # the 414 case has a 9 KB argument
  got=$(timeout 20 curl -sS -o "$WORK/body" -w '%{http_code}' "$@") || fail "curl $what failed"
  [ "$got" = "$status" ] || fail "curl $what: status $got, expected $status"
  [ "$(cat "$WORK/body")" = "$body" ] || fail "curl $what: body '$(cat "$WORK/body")', expected '$body'"
}

# The service still works, and what the backend sees of HeadRemove/AddHeader.
expect_page 200 "a GET /ok" "$url/ok"
timeout 20 curl -sS -H 'X-Secret-Token: s3cr3t' -H 'X-Kept: yes' "$url/headers" >"$WORK/headers" ||
  fail "curl /headers failed"
grep -qx 'X-Kept: yes' "$WORK/headers" || fail "X-Kept did not reach the backend: $(cat "$WORK/headers")"
grep -qx 'X-Added: by-proxy' "$WORK/headers" || fail "AddHeader missing: $(cat "$WORK/headers")"
if grep -qi 'X-Secret' "$WORK/headers"; then fail "HeadRemove let X-Secret through: $(cat "$WORK/headers")"; fi

# CheckURL: a target it does not match gets 501 and the Err501 page.
expect_page 501 "custom page 501" "$url/elsewhere"

# Err414: a request line longer than 8 KiB.
long=$(printf 'a%.0s' $(seq 9000))
expect_page 414 "custom page 414" "$url/ok/$long"

# 431: a head larger than 32 KiB, with the built-in page (no Err431 exists).
big=$(printf 'b%.0s' $(seq 40000))
timeout 20 curl -sS -o "$WORK/body" -w '%{http_code}' -H "X-Big: $big" "$url/ok" >"$WORK/status" ||
  fail "curl with a big header failed"
[ "$(cat "$WORK/status")" = 431 ] || fail "an oversized head got $(cat "$WORK/status"), not 431"
grep -q '<title>431 Request Header Fields Too Large</title>' "$WORK/body" ||
  fail "431 page: $(cat "$WORK/body")"

# MaxRequest 10: an 11-byte body gets 413 and the Err413 page, whether sized or chunked;
# a 10-byte one passes.
expect_page 413 "custom page 413" -d 'aaaaaaaaaaa' "$url/ok"
expect_page 413 "custom page 413" -H 'Transfer-Encoding: chunked' -d 'aaaaaaaaaaa' "$url/ok"
expect_page 200 "a got 10 bytes: aaaaaaaaaa" -d 'aaaaaaaaaa' "$url/ok"

# xHTTP 0: PUT is above the level (405); an unknown method is 501 with the Err501 page.
timeout 20 curl -sS -o /dev/null -w '%{http_code}' -X PUT -d x "$url/ok" >"$WORK/status" || fail "curl PUT"
[ "$(cat "$WORK/status")" = 405 ] || fail "PUT under xHTTP 0 got $(cat "$WORK/status"), not 405"
expect_page 501 "custom page 501" -X FROB "$url/ok"

# The only backend of /dead refuses: 503 with the Err503 page.
expect_page 503 "custom page 503" "$url/dead"

# 204 and 304 carry no body; the same connection goes on to a 200.
timeout 20 python3 - "$PORT" <<'PY' || fail "204/304 through the proxy"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"GET /nobody/204 HTTP/1.1\r\nHost: h\r\n\r\n"
          b"GET /nobody/304 HTTP/1.1\r\nHost: h\r\n\r\n"
          b"GET /nobody/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
parts = data.split(b"\r\n\r\n")
assert len(parts) == 4, data
assert parts[0].startswith(b"HTTP/1.1 204 "), data
assert parts[1].startswith(b"HTTP/1.1 304 "), data
assert parts[2].startswith(b"HTTP/1.1 200 "), data
assert parts[3] == b"ok", data
PY

echo "PASS: proxy_audit_listener"
