#!/bin/bash
# `kubectl exec` through kha-proxy to kube_stub's exec server, three ways:
# the installed kubectl over WebSocket (v5.channel.k8s.io, its default), the
# same kubectl over SPDY/3.1 (websockets off), and Debian's kubectl 1.20
# (SPDY/3.1 only). Each way: 300 kB of stdin come back whole through `cat`,
# a non-zero exit code becomes kubectl's, and long commands (steady output;
# gaps longer than the proxy's TimeOut) arrive whole. kubectl 1.20 exits 0
# when a tunnel is cut, so output is compared in full; a stub command that
# cuts the tunnel on purpose checks that the comparison notices.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"
# shellcheck source=tests/e2e/lib/kube_env.sh
source "$LIB/kube_env.sh"
command -v kubectl >/dev/null || fail "kubectl is not installed (tools/install-deps.sh test)"

build_kube_stub
fetch_kubectl_120
start_kube_stub
PORT=$(free_port)
# Short timeouts: an exec tunnel idle for longer must stay open.
kube_proxy_config "$PORT" "$STUB_PORT" $'TimeOut 1\nClient 1' >"$WORK/pound.cfg"
start_proxy "$WORK/pound.cfg" "$PORT"
: >"$WORK/kubeconfig"
export KUBECONFIG=$WORK/kubeconfig

sha() { sha256sum | cut -d' ' -f1; }
# expected_lines N: what the stub's `lines N GAP` prints.
expected_lines() {
  local i
  for i in $(seq "$1"); do echo "line $i of $1"; done
}
head -c 300000 /dev/urandom >"$WORK/stdin.bin"
touch "$STUB_RECORD/exec.log"

# kubectl minor version >= 30 uses WebSocket first (client-go's
# KUBECTL_REMOTE_COMMAND_WEBSOCKETS defaults to on).
minor=$(kubectl version --client -o json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["minor"].rstrip("+"))')
installed_transport=spdy
[ "$minor" -ge 30 ] && installed_transport=websocket

# way: "LABEL TRANSPORT KUBECTL [ENV=VALUE]"
ways=(
  "v1.$minor-$installed_transport $installed_transport kubectl"
  "v1.$minor-spdy spdy kubectl KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false"
)
[ -n "$KUBECTL_120" ] && ways+=("v1.20-spdy spdy $KUBECTL_120")
for way in "${ways[@]}"; do
  read -r label transport kubectl setting <<<"$way"
  k() {
    env ${setting:+"$setting"} timeout 60 "$kubectl" -s "http://127.0.0.1:$PORT" \
      --cache-dir "$WORK/cache-$label" exec "$@"
  }
  before=$(wc -l <"$STUB_RECORD/exec.log")

  # stdin -> cat -> stdout, 300 kB whole.
  k -i stub-pod -- cat <"$WORK/stdin.bin" >"$WORK/stdout.bin" 2>"$WORK/stderr.txt" ||
    fail "$label: exec cat exited $?: $(cat "$WORK/stderr.txt")"
  [ "$(sha <"$WORK/stdout.bin")" = "$(sha <"$WORK/stdin.bin")" ] ||
    fail "$label: cat gave back $(wc -c <"$WORK/stdout.bin") bytes, not the 300000 sent"

  # A non-zero exit code, and the command's stderr.
  status=0
  k stub-pod -- exit 7 >/dev/null 2>"$WORK/stderr.txt" || status=$?
  [ "$status" -eq 7 ] || fail "$label: exec 'exit 7' made kubectl exit $status: $(cat "$WORK/stderr.txt")"
  grep -qx 'exit 7' "$WORK/stderr.txt" || fail "$label: the command's stderr is missing: $(cat "$WORK/stderr.txt")"

  # Two seconds of steady output, then a gap longer than TimeOut and Client.
  for command in "lines 20 100" "lines 2 1300"; do
    read -r _ count _ <<<"$command"
    # shellcheck disable=SC2086 # the command is meant to split into words
    out=$(k stub-pod -- $command 2>"$WORK/stderr.txt") ||
      fail "$label: exec '$command' exited $?: $(cat "$WORK/stderr.txt")"
    [ "$out" = "$(expected_lines "$count")" ] ||
      fail "$label: exec '$command' printed $(printf '%s\n' "$out" | wc -l) of $count lines"
  done

  # Negative control: a tunnel cut after 5 of 30 lines must not pass the
  # comparison above, whatever kubectl's exit status (1.20 and SPDY: 0).
  status=0
  out=$(k stub-pod -- cut 30 5 2>/dev/null) || status=$?
  [ "$out" != "$(expected_lines 30)" ] || fail "$label: a cut tunnel passed the output check"
  [ "$out" = "$(expected_lines 30 | head -n 5)" ] || fail "$label: before the cut: '$out'"

  # The stub saw every exec of this way over the expected transport.
  after=$(tail -n +"$((before + 1))" "$STUB_RECORD/exec.log")
  [ "$(printf '%s\n' "$after" | wc -l)" -eq 5 ] || fail "$label: the stub saw these execs: $after"
  if printf '%s\n' "$after" | grep -v "^$transport "; then
    fail "$label: execs not over $transport (above)"
  fi
  echo "$label: cat, exit code, long output ok (kubectl exit status after the cut: $status)"
done
skip_if_no_kubectl_120
echo "ok"
