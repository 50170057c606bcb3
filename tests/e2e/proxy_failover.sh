#!/bin/bash
# High availability: a backend killed under load costs the clients nothing,
# gets no traffic while dead and traffic again within Alive + 1 s of its
# return; a POST refused by one backend is re-sent to another; with every
# backend dead the answer is 503.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
A=$BACKEND_PORT
start_backend b
B=$BACKEND_PORT
B_PID=$BACKEND_PID
start_backend c
C=$BACKEND_PORT
CLOSED=$(free_port)
PORT=$(free_port)
PORT2=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
Alive 1
TimeOut 5
ConnTO 2
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  xHTTP 1
  Service
$(backend_block "$A")
$(backend_block "$B")
$(backend_block "$C")
  End
End
ListenHTTP
  Address 127.0.0.1
  Port $PORT2
  Service
$(backend_block "$CLOSED")
$(backend_block "$A")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"

# A POST whose first backend refuses arrives whole at the other one.
for i in 1 2 3 4; do
  out=$(timeout 20 curl -sS --data "hello $i" "http://127.0.0.1:$PORT2/post")
  [ "$out" = "a got 7 bytes: hello $i" ] || fail "POST after a refused connection: '$out'"
done

# Load from 4 keep-alive clients for 4 s; b dies after 1 s.
timeout 60 python3 - "$PORT" >"$WORK/load.out" <<'PY' &
import http.client, sys, threading, time
port = int(sys.argv[1])
errors, counts, lock = [], {}, threading.Lock()
stop = time.time() + 4
def client():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.time() < stop:
        try:
            conn.request("GET", "/load")
            response = conn.getresponse()
            body = response.read().decode()
            with lock:
                if response.status != 200:
                    errors.append(f"status {response.status}")
                counts[body.split()[0]] = counts.get(body.split()[0], 0) + 1
        except Exception as e:
            with lock:
                errors.append(repr(e))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
threads = [threading.Thread(target=client) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print("errors", len(errors), errors[:3])
print("counts", sorted(counts.items()))
PY
LOAD=$!
sleep 1
kill -9 "$B_PID"
wait "$LOAD" || fail "load client failed"
grep -qx "errors 0 \[\]" "$WORK/load.out" || fail "client errors while b died: $(cat "$WORK/load.out")"

# b is dead: no request goes there.
for i in $(seq 20); do
  out=$(timeout 10 curl -sS "http://127.0.0.1:$PORT/after")
  case "$out" in "a GET /after" | "c GET /after") ;; *) fail "answer while b is dead: '$out'" ;; esac
done

# b comes back on its port: within Alive + 1 s it serves again.
start_backend b --port "$B"
sleep 2
seen=no
for i in $(seq 30); do
  out=$(timeout 10 curl -sS "http://127.0.0.1:$PORT/back")
  if [ "$out" = "b GET /back" ]; then seen=yes; break; fi
done
[ "$seen" = yes ] || fail "b got no traffic after it came back"

# Every backend dead: 503.
kill -9 "${BACKEND_PIDS[a]}" "${BACKEND_PIDS[b]}" "${BACKEND_PIDS[c]}"
sleep 0.2
code=$(timeout 10 curl -sS -o "$WORK/503.html" -w '%{http_code}' "http://127.0.0.1:$PORT/none")
[ "$code" = 503 ] || fail "all dead: status $code"
grep -q "Service Unavailable" "$WORK/503.html" || fail "503 page: $(cat "$WORK/503.html")"
echo "ok"
