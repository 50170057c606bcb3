#!/bin/bash
# The HealthCheck extension: a backend that accepts TCP but answers its
# health path with 500 gets no traffic, and gets it again once healthy.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend sick --health 500
SICK=$BACKEND_PORT
start_backend well
WELL=$BACKEND_PORT
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
Alive 1
TimeOut 2
ListenHTTP
  Address 127.0.0.1
  Port $PORT
  Service
    HealthCheck "/healthz"
$(backend_block "$SICK")
$(backend_block "$WELL")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"
sleep 2.5
for i in $(seq 20); do
  out=$(timeout 10 curl -sS "http://127.0.0.1:$PORT/x")
  [ "$out" = "well GET /x" ] || fail "request $i went to '$out' while sick fails its health check"
done

# Healthy again (same port, health 200): back within Alive + 1 s.
kill "${BACKEND_PIDS[sick]}"
wait "${BACKEND_PIDS[sick]}" 2>/dev/null || true
start_backend sick --port "$SICK"
sleep 2.5
seen=no
for i in $(seq 20); do
  out=$(timeout 10 curl -sS "http://127.0.0.1:$PORT/x")
  if [ "$out" = "sick GET /x" ]; then seen=yes; break; fi
done
[ "$seen" = yes ] || fail "the recovered backend got no traffic"
echo "ok"
