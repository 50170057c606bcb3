#!/bin/bash
# Issue 3 audit: the process life beyond proxy_cli_lifecycle.sh. `-F` and
# `Daemon 0` keep kha-proxy in the foreground (our child, serving); SIGHUP
# leaves an established Upgrade tunnel and a keep-alive connection working;
# SIGINT stops like SIGTERM: idle connections close at once, a response
# still streaming is cut once Grace runs out, and the exit status is 0.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
PORT=$(free_port)
write_config() {
  cat >"$WORK/pound.cfg" <<CFG
LogFacility -
LogLevel 0
Grace 1
Client 30
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  Service
$(backend_block "$BACKEND_PORT")
  End
End
CFG
}

# is_our_child PID: the process runs and its parent is this shell.
is_our_child() {
  kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f4 "/proc/$1/stat")" = "$$" ]
}

# --- -F: Daemon defaults to 1, yet the proxy stays in the foreground ---
write_config
"$KHA_BIN/kha-proxy" -F -f "$WORK/pound.cfg" 2>"$WORK/proxy.log" &
proxy=$!
PIDS+=("$proxy")
wait_for curl -sf "http://127.0.0.1:$PORT/" || fail "-F: the proxy does not serve"
is_our_child "$proxy" || fail "-F: kha-proxy $proxy is not running as our child"
kill -TERM "$proxy"
wait "$proxy" || fail "-F: exit status $? after TERM"

# --- Daemon 0 in the file, no flag: foreground too ---
write_config
sed -i '1i Daemon 0' "$WORK/pound.cfg"
"$KHA_BIN/kha-proxy" -f "$WORK/pound.cfg" 2>"$WORK/proxy.log" &
proxy=$!
PIDS+=("$proxy")
wait_for curl -sf "http://127.0.0.1:$PORT/" || fail "Daemon 0: the proxy does not serve"
is_our_child "$proxy" || fail "Daemon 0: kha-proxy $proxy is not running as our child"

# --- SIGHUP: an established tunnel and a keep-alive connection go on ---
timeout 30 python3 - "$PORT" "$proxy" "$WORK/proxy.log" <<'PY' || fail "connections across SIGHUP"
import os, signal, socket, sys, time
port, pid, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

def answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        assert chunk, data
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    while len(body) < length:
        chunk = s.recv(65536)
        assert chunk, body
        body += chunk
    return head, body

keep = socket.create_connection(("127.0.0.1", port), 5)
keep.settimeout(10)
keep.sendall(b"GET /before HTTP/1.1\r\nHost: h\r\n\r\n")
assert answer(keep)[1] == b"a GET /before"
tunnel = socket.create_connection(("127.0.0.1", port), 5)
tunnel.settimeout(10)
tunnel.sendall(b"GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
head = b""
while b"\r\n\r\n" not in head:
    head += tunnel.recv(1)
assert head.startswith(b"HTTP/1.1 101 "), head
tunnel.sendall(b"one")
assert tunnel.recv(100) == b"one"

os.kill(pid, signal.SIGHUP)
for _ in range(100):
    if b"configuration reloaded" in open(log, "rb").read():
        break
    time.sleep(0.1)
else:
    sys.exit("no reload logged")

tunnel.sendall(b"two")
assert tunnel.recv(100) == b"two", "the tunnel stopped echoing after SIGHUP"
tunnel.shutdown(socket.SHUT_WR)
assert tunnel.recv(100) == b"bye", "the half-close did not reach the backend after SIGHUP"
keep.sendall(b"GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
assert answer(keep)[1] == b"a GET /after", "the keep-alive connection broke after SIGHUP"
PY

# --- SIGINT with Grace 1: idle closes now, a long stream is cut at Grace ---
timeout 30 python3 - "$PORT" "$proxy" <<'PY' || fail "SIGINT with Grace"
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
idle = socket.create_connection(("127.0.0.1", port), 5)
idle.settimeout(10)
idle.sendall(b"GET /idle HTTP/1.1\r\nHost: h\r\n\r\n")
data = b""
while not data.endswith(b"a GET /idle"):
    chunk = idle.recv(65536)
    assert chunk, data
    data += chunk
# 10 chunks 0.5 s apart: 5 s, far beyond Grace.
stream = socket.create_connection(("127.0.0.1", port), 5)
stream.settimeout(10)
stream.sendall(b"GET /trickle?chunks=10&gap=0.5 HTTP/1.1\r\nHost: h\r\n\r\n")
got = stream.recv(65536)
assert got.startswith(b"HTTP/1.1 200 "), got
os.kill(pid, signal.SIGINT)
start = time.monotonic()
assert idle.recv(100) == b"", "the idle connection got data after SIGINT"
idle_took = time.monotonic() - start
assert idle_took < 0.9, "the idle connection stayed open %.1f s after SIGINT" % idle_took
while True:
    chunk = stream.recv(65536)
    if not chunk:
        break
    got += chunk
cut_took = time.monotonic() - start
assert b"chunk 0" in got, got
assert b"0\r\n\r\n" not in got, "the stream ended normally: Grace did not cut it"
assert 0.8 <= cut_took <= 3.0, "the stream was cut %.1f s after SIGINT (Grace is 1 s)" % cut_took
PY
set +e
timeout 10 tail --pid="$proxy" -f /dev/null
wait "$proxy"
code=$?
set -e
[ "$code" = 0 ] || fail "kha-proxy exited $code after SIGINT"
grep -q '^\[INFO\] stopped$' "$WORK/proxy.log" || fail "no 'stopped' in the log: $(cat "$WORK/proxy.log")"

echo "PASS: proxy_audit_lifecycle"
