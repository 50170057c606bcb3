#!/bin/bash
# Upgrade tunnels: websocket and SPDY/3.1 (kubectl exec) requests get the
# backend's 101, then raw bytes flow both ways; the client's half-close
# reaches the backend, which still answers before closing.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
TimeOut 1
Client 1
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

for protocol in websocket SPDY/3.1; do
  timeout 30 python3 - "$PORT" "$protocol" <<'PY' || fail "tunnel for $protocol"
import socket, sys, time
port, protocol = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), 5)
s.settimeout(10)
s.sendall(("POST /api/v1/namespaces/default/pods/p/exec?command=sh HTTP/1.1\r\n"
           "Host: h\r\nConnection: Upgrade\r\nUpgrade: %s\r\n"
           "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n" % protocol).encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
assert head.startswith(b"HTTP/1.1 101 "), head
assert ("Upgrade: %s" % protocol).encode() in head, head
payload = bytes(range(256)) * 64
received = b""
s.sendall(payload[:8000])
while len(received) < 8000:
    received += s.recv(65536)
# A pause longer than TimeOut and Client: an idle tunnel stays open.
time.sleep(1.5)
s.sendall(payload[8000:])
s.shutdown(socket.SHUT_WR)
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    received += chunk
assert received == payload + b"bye", (len(received), received[-10:])
PY
done
echo "ok"
