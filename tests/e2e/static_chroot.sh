#!/usr/bin/env bash
# The static kha-install runs in an empty root holding nothing but itself and
# Ubuntu 16.04's /etc/os-release: no libraries, no /proc, no NSS.
# Inside it, kha-install installs the example's infra0 into /target.
set -euo pipefail

if [ -z "${KHA_STATIC_BIN:-}" ]; then
  echo "SKIP: KHA_STATIC_BIN is unset (make test sets it to the static build)"
  exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: chroot needs root"
  exit 77
fi
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/etc"
cat >"$root/etc/os-release" <<'RELEASE'
NAME="Ubuntu"
VERSION="16.04.7 LTS (Xenial Xerus)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 16.04.7 LTS"
VERSION_ID="16.04"
VERSION_CODENAME=xenial
UBUNTU_CODENAME=xenial
RELEASE
cp "$KHA_STATIC_BIN/kha-install" "$root/kha-install"

timeout 60 chroot "$root" /kha-install --check
timeout 60 chroot "$root" /kha-install --info >"$root/info"
grep -q '^version:    ' "$root/info" || { echo "FAIL: --info printed: $(cat "$root/info")"; exit 1; }
timeout 60 chroot "$root" /kha-install --quiet --extract /payload
[ -d "$root/payload/templates" ] || { echo "FAIL: nothing extracted in the chroot"; exit 1; }
if [ -e "$KHA_STATIC_BIN/kha-proxy" ]; then
  cmp "$root/payload/bin/kha-proxy" "$KHA_STATIC_BIN/kha-proxy"
fi
# A whole node installed from inside the empty root: the release is read from
# /target/etc/os-release, the proxy comes out of the verified payload.
mkdir -p "$root/target/etc"
cp "$root/etc/os-release" "$root/target/etc/os-release"
cp "$KHA_SOURCE_DIR/examples/answers.toml" "$root/answers.toml"
timeout 60 chroot "$root" /kha-install --quiet --root /target --node infra0 /answers.toml
for f in etc/default/etcd etc/kha/pound.cfg etc/systemd/system/kha-proxy.service \
  usr/local/sbin/kha-proxy var/lib/kha/manifest; do
  [ -f "$root/target/$f" ] || { echo "FAIL: /target/$f not installed in the chroot"; exit 1; }
done
timeout 60 chroot "$root" /target/usr/local/sbin/kha-proxy -c -f /target/etc/kha/pound.cfg ||
  { echo "FAIL: the installed proxy rejects the installed pound.cfg"; exit 1; }
echo "static_chroot: ok"
