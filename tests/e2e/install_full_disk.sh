#!/bin/bash
# A full disk in the middle of an install: the real kha-install writes into
# a tiny tmpfs that holds the configuration files but not the proxy
# executable, fails with exit 1, and leaves the tree exactly as it was.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root to mount a tmpfs"; exit 77; fi
install="$KHA_BIN/kha-install"
work=$(mktemp -d)
root="$work/root"
mkdir -p "$root"
cleanup() {
  umount "$root" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=512k tmpfs "$root" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here"
  exit 77
fi
mkdir -p "$root/etc/default"
printf 'ID=ubuntu\nVERSION_ID="16.04"\n' >"$root/etc/os-release"
echo 'ETCD_OPTS="--mine"' >"$root/etc/default/etcd"
# Names, modes and contents: a rollback rewrites a replaced file, so its inode may differ.
snapshot() { (cd "$root" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s' && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(snapshot)

set +e
"$install" --root "$root" --node infra0 "$KHA_SOURCE_DIR/examples/answers.toml" >"$work/out" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || { cat "$work/out"; echo "FAIL: exit $code, wanted 1"; exit 1; }
grep -q "No space left on device" "$work/out" || { cat "$work/out"; echo "FAIL: no ENOSPC message"; exit 1; }
grep -q "rolled back" "$work/out" || { cat "$work/out"; echo "FAIL: no rollback message"; exit 1; }
after=$(snapshot)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); echo "FAIL: tree changed"; exit 1; }
grep -qx 'ETCD_OPTS="--mine"' "$root/etc/default/etcd" || { echo "FAIL: original lost"; exit 1; }
echo "PASS: a full disk mid-install rolls back to the exact previous tree"
