#!/bin/bash
# The real kubectl through kha-proxy: `get --raw` reaches the API stub
# behind it (patch and exec against a fuller stub: proxy_kubectl_*.sh).
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"
command -v kubectl >/dev/null || fail "kubectl is not installed (tools/install-deps.sh test)"

start_backend api
PORT=$(free_port)
cat >"$WORK/pound.cfg" <<CFG
Daemon 0
LogLevel 0
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
: >"$WORK/kubeconfig"
export KUBECONFIG=$WORK/kubeconfig

out=$(timeout 30 kubectl -s "http://127.0.0.1:$PORT" get --raw /api)
[ "$out" = "api GET /api" ] || fail "kubectl get --raw /api: '$out'"
out=$(timeout 30 kubectl -s "http://127.0.0.1:$PORT" get --raw '/api/v1/namespaces/default/pods?watch=0')
[ "$out" = "api GET /api/v1/namespaces/default/pods?watch=0" ] || fail "kubectl get --raw pods: '$out'"
echo "ok"
