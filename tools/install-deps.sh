#!/bin/sh
# Installs, with apt, the Debian packages a make target needs and the machine
# lacks. Usage: tools/install-deps.sh GROUP... (build, test, bench, deb, fuzz)
set -eu

packages_for() {
  case "$1" in
    build) echo "cmake ninja-build g++ make pkg-config libssl-dev libarchive-dev libzstd-dev
                 liblzma-dev libbz2-dev liblz4-dev zlib1g-dev libacl1-dev nettle-dev
                 libtomlplusplus-dev libcli11-dev libkainjow-mustache-dev
                 libgtest-dev libgmock-dev" ;;
    test) echo "etcd-server etcd-client curl python3 shellcheck systemd iproute2 file
                dpkg-dev fakeroot kubectl golang-go golang-github-docker-spdystream-dev
                golang-github-gorilla-websocket-dev" ;;
    bench) echo "nginx haproxy wrk util-linux zstd strace" ;;
    deb) echo "debhelper dpkg-dev fakeroot lintian" ;;
    fuzz) echo "clang libclang-rt-14-dev" ;;
    *) echo "install-deps: unknown group '$1'" >&2; exit 2 ;;
  esac
}

missing=""
for group in "$@"; do
  for package in $(packages_for "$group"); do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
      missing="$missing $package"
    fi
  done
done
[ -z "$missing" ] && exit 0

echo "[INFO] installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "[ERROR] missing packages:$missing; run as root or: sudo apt-get install$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing >/dev/null
