#!/bin/bash
# The real kubectl (the installed one and Debian's 1.20) runs `kubectl patch`
# through kha-proxy against kube_stub: discovery, GET, then a PATCH whose
# body (a 200 kB annotation) and content type must reach the stub byte for
# byte, and whose answer kubectl must print.
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
kube_proxy_config "$PORT" "$STUB_PORT" >"$WORK/pound.cfg"
start_proxy "$WORK/pound.cfg" "$PORT"
: >"$WORK/kubeconfig"
export KUBECONFIG=$WORK/kubeconfig

# Only letters and digits (150000 bytes make 200000 base64 characters, no
# padding): kubectl re-encodes the patch as JSON, and these come out as they
# went in.
blob=$(head -c 150000 /dev/urandom | base64 -w0 | tr '+/' 'pq')
[ ${#blob} -eq 200000 ] || fail "test setup: blob of ${#blob} bytes"
sha() { sha256sum | cut -d' ' -f1; }

for kubectl in kubectl ${KUBECTL_120:+"$KUBECTL_120"}; do
  name=v$("$kubectl" version --client -o json 2>/dev/null |
    python3 -c 'import json,sys; v=json.load(sys.stdin)["clientVersion"]; print(v["major"]+"."+v["minor"].rstrip("+"))')
  k() { timeout 60 "$kubectl" -s "http://127.0.0.1:$PORT" --cache-dir "$WORK/cache-$name" "$@"; }

  # Default type (strategic merge), from a file: kubectl sends it compact
  # with sorted keys, which is how it is written here.
  patch="{\"metadata\":{\"annotations\":{\"blob\":\"$name-$blob\"},\"labels\":{\"kubectl\":\"$name\"}}}"
  printf '%s' "$patch" >"$WORK/patch.json"
  out=$(k patch pod stub-pod --patch-file "$WORK/patch.json" 2>&1) || fail "$name: kubectl patch: $out"
  # kubectl says "patched" only when the answer differs from what it got.
  [ "$out" = "pod/stub-pod patched" ] || fail "$name: kubectl patch printed '$out'"
  [ "$(cat "$STUB_RECORD/patch.type")" = "application/strategic-merge-patch+json" ] ||
    fail "$name: PATCH content type '$(cat "$STUB_RECORD/patch.type")'"
  [ "$(sha <"$STUB_RECORD/patch.body")" = "$(printf '%s' "$patch" | sha)" ] ||
    fail "$name: PATCH body changed: $(wc -c <"$STUB_RECORD/patch.body") bytes arrived, ${#patch} sent"

  # Merge patch; kubectl prints fields of the stub's answer.
  patch="{\"metadata\":{\"labels\":{\"tier\":\"$name\"}}}"
  out=$(k patch pod stub-pod --type=merge -p "$patch" \
    -o 'jsonpath={.metadata.labels.kubectl} {.metadata.labels.tier} {.metadata.annotations.blob}' 2>&1) ||
    fail "$name: kubectl patch --type=merge: ${out:0:300}"
  [ "$(printf '%s' "$out" | sha)" = "$(printf '%s' "$name $name $name-$blob" | sha)" ] ||
    fail "$name: kubectl printed ${#out} bytes, not the patched pod: ${out:0:100}..."
  [ "$(cat "$STUB_RECORD/patch.type")" = "application/merge-patch+json" ] ||
    fail "$name: PATCH content type '$(cat "$STUB_RECORD/patch.type")'"
  [ "$(cat "$STUB_RECORD/patch.body")" = "$patch" ] ||
    fail "$name: PATCH body '$(cat "$STUB_RECORD/patch.body")', sent '$patch'"
  echo "$name: strategic and merge patches ok"
done
grep -q '^GET /api/v1?' "$STUB_RECORD/requests.log" || fail "kubectl never read discovery through the proxy"
skip_if_no_kubectl_120
echo "ok"
