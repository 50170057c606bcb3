#!/bin/bash
# TimeOut is an idle timeout, not a limit on a response's duration: a
# chunked answer trickling for 3x TimeOut arrives whole, while one that
# stays silent longer than TimeOut is cut.
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
  Service
$(backend_block "$BACKEND_PORT")
  End
End
CFG
start_proxy "$WORK/pound.cfg" "$PORT"

start=$(date +%s)
timeout 30 curl -sS --raw "http://127.0.0.1:$PORT/trickle?chunks=6&gap=0.6" >"$WORK/raw" ||
  fail "trickle failed"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -ge 3 ] || fail "the trickle took ${elapsed}s, expected at least 3"
chunks=$(grep -c "a chunk" "$WORK/raw")
[ "$chunks" = 6 ] || fail "got $chunks of 6 chunks: $(cat "$WORK/raw")"
# Chunk boundaries are kept as the backend sent them.
grep -q $'^a\r$' "$WORK/raw" || fail "chunk sizes not forwarded: $(od -c "$WORK/raw" | head)"
tail -c 5 "$WORK/raw" | grep -q '^0' || fail "last chunk missing"

# Silence longer than TimeOut ends the response early.
if timeout 30 curl -sS "http://127.0.0.1:$PORT/trickle?chunks=3&gap=2.5" >"$WORK/cut" 2>&1; then
  fail "a response silent for 2.5 s outlived TimeOut 1"
fi
echo "ok"
