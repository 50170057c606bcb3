#!/bin/bash
# Issue 3 audit: Client is an idle timeout on the client side and ConnTO
# bounds a backend connect. A request body trickling in for 3x Client (and
# 3x TimeOut) arrives whole; a keep-alive client that stays silent is closed
# after about Client seconds; a backend whose connect hangs (its accept
# queue is full) is marked dead after ConnTO and the request is answered by
# the other backend, with no error for the client. With HealthCheck, a
# backend that accepts connections but never answers is marked dead once a
# probe gets no answer in time, and gets no requests.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend good
good=$BACKEND_PORT

# A listener that never accepts and whose queue is full: a connect to it hangs.
cat >"$WORK/hang.py" <<'PY'
import os, socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(0)
port = srv.getsockname()[1]
fillers = []
for _ in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(c)
time.sleep(0.3)
probe = socket.socket()
probe.settimeout(1.5)
try:
    probe.connect(("127.0.0.1", port))
    sys.exit("a connect to the full queue did not hang")
except socket.timeout:
    pass
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(port))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(300)
PY
python3 "$WORK/hang.py" "$WORK/hang.port" &
PIDS+=("$!")
wait_for test -s "$WORK/hang.port" || fail "could not make a backend whose connect hangs"
hang=$(cat "$WORK/hang.port")

# A backend that accepts and reads but never answers.
cat >"$WORK/silent.py" <<'PY'
import os, socket, sys
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(srv.accept()[0])
PY
python3 "$WORK/silent.py" "$WORK/silent.port" &
PIDS+=("$!")
wait_for test -s "$WORK/silent.port" || fail "the silent backend did not start"
silent=$(cat "$WORK/silent.port")

PORT=$(free_port)
HC_PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
Alive 60
Client 1
TimeOut 1
ConnTO 1
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  xHTTP 1
  Service
$(backend_block "$hang")
$(backend_block "$good")
  End
End
ListenHTTP
  Address 127.0.0.1
  Port $HC_PORT
  Service
    HealthCheck "/healthz" 1
$(backend_block "$silent")
$(backend_block "$good")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"

# ConnTO: every request is answered by "good"; the first one waits about
# ConnTO for the hanging connect, later ones do not wait (it is dead).
timeout 30 python3 - "$PORT" <<'PY' || fail "ConnTO failover"
import socket, sys, time
port = int(sys.argv[1])
for i in range(4):
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.settimeout(10)
    s.sendall(b"GET /c%d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" % i)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    took = time.monotonic() - start
    assert data.startswith(b"HTTP/1.1 200 "), data
    assert data.endswith(b"good GET /c%d" % i), data
    assert took < 3.5, "request %d took %.1f s (ConnTO is 1 s)" % (i, took)
    if i > 0:
        assert took < 0.5, "request %d took %.1f s: the hanging backend was not marked dead" % (i, took)
PY
grep -q "backend 127.0.0.1:$hang is dead" "$WORK/proxy.log" ||
  fail "the hanging backend was not reported dead"

# Client 1: a request body sent 2 bytes every 0.6 s for about 3.6 s arrives
# whole; a keep-alive connection then left silent is closed within 3 s.
timeout 30 python3 - "$PORT" <<'PY' || fail "Client as an idle timeout"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(10)
s.sendall(b"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")
for _ in range(6):
    time.sleep(0.6)
    s.sendall(b"2\r\nab\r\n")
s.sendall(b"0\r\n\r\n")
want = b"good got 12 bytes: abababababab"
data = b""
while not data.endswith(want):
    chunk = s.recv(65536)
    assert chunk, data
    data += chunk
assert data.startswith(b"HTTP/1.1 200 "), data
start = time.monotonic()
rest = s.recv(100)
took = time.monotonic() - start
assert rest == b"", rest
assert 0.8 <= took <= 3.0, "the idle client was closed after %.1f s (Client is 1 s)" % took
PY

# HealthCheck: the silent backend is reported dead, then every request is
# answered at once by "good".
wait_for grep -q "backend 127.0.0.1:$silent is dead: health check GET /healthz: no answer in time" \
  "$WORK/proxy.log" || fail "the silent backend was not found dead by its health check"
for i in 1 2 3 4 5 6; do
  out=$(timeout 20 curl -sS -m 0.9 "http://127.0.0.1:$HC_PORT/h$i") ||
    fail "request $i with a silent backend behind HealthCheck failed or was slow"
  [ "$out" = "good GET /h$i" ] || fail "request $i got '$out'"
done

echo "PASS: proxy_audit_timeouts"
