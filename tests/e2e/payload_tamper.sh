#!/usr/bin/env bash
# The sealed kha-install lists, checks and extracts its payload, and refuses a
# truncated, extended or altered copy of itself (exit 2) before writing anything.
set -euo pipefail

bin="${KHA_BIN:?KHA_BIN names the folder of the built executables}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

good="$work/kha-install"
cp "$bin/kha-install" "$good"

timeout 120 "$good" --check
"$good" --info >"$work/info"
grep -q '^signer:     unsigned$' "$work/info" || { echo "FAIL: --info: $(cat "$work/info")"; exit 1; }
"$good" --list >"$work/list"
grep -q ' templates/$' "$work/list" || { echo "FAIL: --list lacks templates/"; exit 1; }

timeout 120 "$good" --quiet --extract "$work/out"
while read -r _mode _size path; do
  case "$path" in
    */) [ -d "$work/out/$path" ] || { echo "FAIL: folder $path not extracted"; exit 1; } ;;
    *) [ -f "$work/out/$path" ] || { echo "FAIL: file $path not extracted"; exit 1; } ;;
  esac
done <"$work/list"
if [ -e "$bin/kha-proxy" ]; then
  grep -q ' bin/kha-proxy$' "$work/list" || { echo "FAIL: kha-proxy not in the payload"; exit 1; }
  cmp "$work/out/bin/kha-proxy" "$bin/kha-proxy"
fi

# expect_refusal NAME MESSAGE [OPTIONS...]: $work/NAME must exit 2 with MESSAGE
# on stderr and extract nothing.
expect_refusal() {
  local name="$1" message="$2"
  shift 2
  local status=0
  timeout 120 "$work/$name" "$@" --extract "$work/x-$name" 2>"$work/$name.err" || status=$?
  if [ "$status" -ne 2 ]; then
    echo "FAIL: $name: exit $status, expected 2: $(cat "$work/$name.err")"
    exit 1
  fi
  grep -qF -- "$message" "$work/$name.err" || {
    echo "FAIL: $name: expected \"$message\", got: $(cat "$work/$name.err")"
    exit 1
  }
  [ ! -e "$work/x-$name" ] || { echo "FAIL: $name: something was extracted"; exit 1; }
}

size=$(stat -c %s "$good")
flip() {  # flip FILE OFFSET: inverts one byte in place
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf '%b' "\\$(printf '%03o' $((byte ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

head -c $((size - 1)) "$good" >"$work/cut-trailer" && chmod +x "$work/cut-trailer"
expect_refusal cut-trailer "the payload trailer is cut short: the file is truncated"

head -c $((size - 4096)) "$good" >"$work/cut-payload" && chmod +x "$work/cut-payload"
expect_refusal cut-payload "no payload found: the file is truncated"

cp "$good" "$work/extra" && printf 'extra' >>"$work/extra"
expect_refusal extra "5 unexpected bytes after the payload trailer"

cp "$good" "$work/flip-payload" && flip "$work/flip-payload" $((size - 1024))
expect_refusal flip-payload "payload checksum mismatch (expected "

# A byte of the executable itself: the ELF section headers at the stub's end,
# which the loader never reads (a flipped instruction could crash before any check).
stub="${KHA_BUILD_DIR:?}/stub/kha-install"
if [ -f "$stub" ]; then
  cp "$good" "$work/flip-stub" && flip "$work/flip-stub" $(($(stat -c %s "$stub") - 8))
  expect_refusal flip-stub "checksum mismatch in the executable before the payload"
fi

cp "$good" "$work/unsigned"
expect_refusal unsigned "the payload is unsigned and a signature is required" --require-signature

# Signed payloads: sealed here with kha-pack from the bare stub.
if [ -x "$bin/kha-pack" ] && [ -x "$bin/kha-bundle" ] && [ -f "$stub" ]; then
  "$bin/kha-bundle" keygen "$work/release.key" >/dev/null
  "$bin/kha-bundle" keygen "$work/other.key" >/dev/null
  "$bin/kha-pack" --stub "$stub" --out "$work/signed" --key "$work/release.key" --level 1 \
    "init=${KHA_SOURCE_DIR:?}/init" >/dev/null
  timeout 120 "$work/signed" --check --require-signature --trusted-key "$work/release.key.pub"
  expect_refusal signed "which is not trusted (give its public key with --trusted-key)"
  expect_refusal signed "which is not trusted" --trusted-key "$work/other.key.pub"
else
  echo "SKIP signed payloads: kha-pack, kha-bundle or the stub is missing"
fi
echo "payload_tamper: ok"
