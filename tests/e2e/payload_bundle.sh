#!/usr/bin/env bash
# kha-bundle: keygen, create, verify, list; a tampered or untrusted bundle is refused (exit 2).
set -euo pipefail

bin="${KHA_BIN:?KHA_BIN names the folder of the built executables}"
bundle_tool="$bin/kha-bundle"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bundle_tool" --help | grep -q '^  keygen KEYFILE$'

mkdir -p "$work/artifacts/debs"
head -c 100000 /dev/urandom >"$work/artifacts/etcd"
printf 'not really a deb\n' >"$work/artifacts/debs/socat_1.7.3.1-1_amd64.deb"

"$bundle_tool" keygen "$work/release.key" >/dev/null
[ "$(stat -c %a "$work/release.key")" = 600 ] || { echo "FAIL: private key is not 0600"; exit 1; }
"$bundle_tool" keygen "$work/other.key" >/dev/null
status=0
"$bundle_tool" keygen "$work/release.key" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] && grep -q 'already exists; refusing to replace a key' "$work/err"

timeout 120 "$bundle_tool" create --key "$work/release.key" --out "$work/kha.bundle" "$work/artifacts" >/dev/null
"$bundle_tool" verify --trusted-key "$work/release.key.pub" "$work/kha.bundle" >"$work/bom"
expected="$(cd "$work/artifacts" && sha256sum debs/socat_1.7.3.1-1_amd64.deb etcd |
  while read -r sum name; do echo "$sum  $(stat -c %s "$name")  $name"; done)"
[ "$(cat "$work/bom")" = "$expected" ] || { echo "FAIL: bill of materials:"; cat "$work/bom"; exit 1; }
"$bundle_tool" list "$work/kha.bundle" >"$work/listed"
cmp "$work/bom" "$work/listed"

expect_status() {  # expect_status STATUS MESSAGE COMMAND...
  local want="$1" message="$2" status=0
  shift 2
  "$@" >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq "$want" ] || { echo "FAIL: $*: exit $status, expected $want: $(cat "$work/err")"; exit 1; }
  grep -qF -- "$message" "$work/err" || { echo "FAIL: $*: expected \"$message\": $(cat "$work/err")"; exit 1; }
}

expect_status 2 "which is not trusted" \
  "$bundle_tool" verify --trusted-key "$work/other.key.pub" "$work/kha.bundle"
expect_status 2 "verify: give the signer's public key with --trusted-key" \
  "$bundle_tool" verify "$work/kha.bundle"

cp "$work/kha.bundle" "$work/tampered.bundle"
printf 'X' | dd of="$work/tampered.bundle" bs=1 seek=2000 conv=notrunc status=none
expect_status 2 "bundle checksum mismatch" \
  "$bundle_tool" verify --trusted-key "$work/release.key.pub" "$work/tampered.bundle"
expect_status 2 "bundle checksum mismatch" "$bundle_tool" list "$work/tampered.bundle"

cp "$work/kha.bundle" "$work/extra.bundle" && printf 'x' >>"$work/extra.bundle"
expect_status 2 "1 unexpected bytes after the bundle trailer" \
  "$bundle_tool" verify --trusted-key "$work/release.key.pub" "$work/extra.bundle"
echo "payload_bundle: ok"
