#!/bin/bash
# kha-install on the example answer file into --root trees: what lands per
# init system, idempotence, dry run, an edited executable restored, refusals
# with their exit codes, and uninstall (and its dry run) restoring what was
# there before. Root-free: under --root no service is started or stopped.
set -euo pipefail
install="$KHA_BIN/kha-install"
answers="$KHA_SOURCE_DIR/examples/answers.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
# Snapshot of a tree: every path with its inode, mtime, mode and content hash.
snapshot() { (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n %i %Y %a %s' && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
new_root() {
  local root="$work/$1" version=$2
  mkdir -p "$root/etc"
  printf 'NAME="Ubuntu"\nID=ubuntu\nPRETTY_NAME="Ubuntu %s"\nVERSION_ID="%s"\n' "$version" "$version" >"$root/etc/os-release"
  echo "$root"
}
expect_exit() {
  local want=$1
  shift
  set +e
  "$@" >"$work/out" 2>&1
  local got=$?
  set -e
  [ "$got" -eq "$want" ] || { cat "$work/out"; fail "exit $got, wanted $want: $*"; }
}

# 16.04: systemd units; 14.04: upstart jobs. Both get the LSB script.
xenial=$(new_root xenial 16.04)
"$install" --quiet --root "$xenial" --node infra0 "$answers"
for f in etc/default/etcd etc/default/kube-apiserver etc/default/kubelet etc/kha/pound.cfg \
  etc/systemd/system/etcd.service etc/systemd/system/kha-proxy.service etc/init.d/kha-proxy \
  var/lib/kha/manifest; do
  [ -f "$xenial/$f" ] || fail "missing $f on 16.04"
done
[ ! -e "$xenial/etc/init/etcd.conf" ] || fail "upstart job on 16.04"
# The proxy comes out of the verified payload, runnable.
"$xenial/usr/local/sbin/kha-proxy" -V >/dev/null || fail "installed kha-proxy does not run"
[ -x "$xenial/usr/local/sbin/kha-proxyctl" ] || fail "kha-proxyctl not installed"
trusty=$(new_root trusty 14.04)
"$install" --quiet --root "$trusty" --node infra1 "$answers"
[ -f "$trusty/etc/init/etcd.conf" ] || fail "missing upstart job on 14.04"
[ ! -e "$trusty/etc/systemd/system/etcd.service" ] || fail "systemd unit on 14.04"
grep -q -- "--name infra1" "$trusty/etc/default/etcd" || fail "infra1's etcd flags"

# A second identical run writes nothing: same inodes and mtimes, and says so.
before=$(snapshot "$xenial")
"$install" --root "$xenial" --node infra0 "$answers" >"$work/rerun"
grep -q "no change" "$work/rerun" || { cat "$work/rerun"; fail "rerun did not say no change"; }
[ "$before" = "$(snapshot "$xenial")" ] || fail "rerun touched the tree"

# --dry-run touches nothing and shows the diff of a changed file.
sed -i 's/^ETCD_OPTS=/ETCD_OPTS_EDITED=/' "$xenial/etc/default/etcd"
before=$(snapshot "$xenial")
"$install" --dry-run --root "$xenial" --node infra0 "$answers" >"$work/dry"
[ "$before" = "$(snapshot "$xenial")" ] || fail "dry run touched the tree"
grep -q "^update    /etc/default/etcd" "$work/dry" || { cat "$work/dry"; fail "dry run: no update line"; }
grep -q "^+ETCD_OPTS=" "$work/dry" || fail "dry run: no diff"
grep -q "systemctl restart etcd.service" "$work/dry" || fail "dry run: no service action"
fresh=$(new_root fresh 16.04)
before=$(snapshot "$fresh")
"$install" --dry-run --root "$fresh" --node infra2 "$answers" >"$work/dry"
[ "$before" = "$(snapshot "$fresh")" ] || fail "dry run on a fresh root wrote"
grep -q "^create    /etc/kha/pound.cfg" "$work/dry" || fail "dry run: no create line"
# Executables get their size, never their bytes.
grep -A2 "^create    /usr/local/sbin/kha-proxy$" "$work/dry" | grep -q "^binary file created (" ||
  { cat "$work/dry"; fail "dry run: no size line for kha-proxy"; }
[ "$(tr -d '\000' <"$work/dry" | wc -c)" -eq "$(wc -c <"$work/dry")" ] || fail "dry run printed NUL bytes"

# An installed executable changed in place (same size and inode) is restored.
cp "$xenial/usr/local/sbin/kha-proxy" "$work/kha-proxy.installed"
printf 'X' | dd of="$xenial/usr/local/sbin/kha-proxy" bs=1 seek=4096 conv=notrunc status=none
"$install" --dry-run --root "$xenial" --node infra0 "$answers" >"$work/dry"
grep -q "^binary file changed (" "$work/dry" || { cat "$work/dry"; fail "dry run: edited kha-proxy"; }

# The edited file is updated with a backup of the edit.
"$install" --quiet --root "$xenial" --node infra0 "$answers"
backup=$(find "$xenial/var/lib/kha/backup" -path '*/etc/default/etcd' | head -1)
grep -q ETCD_OPTS_EDITED "$backup" || fail "no backup of the edited file"
cmp -s "$xenial/usr/local/sbin/kha-proxy" "$work/kha-proxy.installed" || fail "edited kha-proxy not restored"

# Refusals touch nothing: bad answers (2), unknown node (2), role the node
# lacks (2), unsupported OS (3), a symlink on the way (1 or 2).
root=$(new_root refusals 16.04)
before=$(snapshot "$root")
printf '[cluster]\ntokn = "x"\n' >"$work/bad.toml"
expect_exit 2 "$install" --root "$root" --node infra0 "$work/bad.toml"
grep -q "bad.toml:2:1: error: unknown key" "$work/out" || { cat "$work/out"; fail "bad answers message"; }
expect_exit 2 "$install" --root "$root" --node nosuch "$answers"
grep -q 'no node named "nosuch"' "$work/out" || fail "unknown node message"
printf '[[node]]\nname = "a"\nip = "10.0.0.1"\nroles = ["etcd", "master"]\n' >"$work/nowork.toml"
expect_exit 2 "$install" --root "$root" --node a --role worker "$work/nowork.toml"
grep -q 'does not have the role "worker"' "$work/out" || { cat "$work/out"; fail "role message"; }
printf 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="7"\n' >"$root/etc/os-release"
before=$(snapshot "$root")
expect_exit 3 "$install" --root "$root" --node infra0 "$answers"
grep -q -- "--force-os" "$work/out" || fail "unsupported OS message lacks --force-os"
[ "$before" = "$(snapshot "$root")" ] || fail "a refusal touched the tree"
"$install" --quiet --force-os ubuntu-16.04 --root "$root" --node infra0 "$answers"
[ -f "$root/etc/systemd/system/etcd.service" ] || fail "--force-os ubuntu-16.04"

link=$(new_root link 16.04)
mkdir -p "$work/elsewhere"
ln -s "$work/elsewhere" "$link/etc/default"
set +e
"$install" --root "$link" --node infra0 "$answers" >"$work/out" 2>&1
code=$?
set -e
[ "$code" -ne 0 ] || fail "wrote through a symlink"
grep -q "etc/default" "$work/out" || { cat "$work/out"; fail "symlink error does not name it"; }
[ -z "$(ls -A "$work/elsewhere")" ] || fail "something landed behind the symlink"

# --role master installs the master part and the proxy, not etcd.
role=$(new_root role 16.04)
"$install" --quiet --root "$role" --node infra0 --role master "$answers"
[ -f "$role/etc/default/kube-apiserver" ] || fail "--role master: no apiserver"
[ -f "$role/etc/kha/pound.cfg" ] || fail "--role master: no proxy"
[ ! -e "$role/etc/default/etcd" ] || fail "--role master wrote etcd"

# Uninstall: kha's files go, the pre-existing file comes back, an edited one stays.
un=$(new_root uninstall 16.04)
mkdir -p "$un/etc/default"
echo 'ETCD_OPTS="--mine"' >"$un/etc/default/etcd"
"$install" --quiet --root "$un" --node infra0 "$answers"
echo "# local edit" >>"$un/etc/default/kubelet"
# Its dry run says what it would stop (not under --root) and remove, and touches nothing.
before=$(snapshot "$un")
"$install" uninstall --dry-run --root "$un" >"$work/out" 2>&1
[ "$before" = "$(snapshot "$un")" ] || fail "uninstall --dry-run touched the tree"
grep -q "not stopped (--root)" "$work/out" || { cat "$work/out"; fail "uninstall dry run: stop line"; }
grep -q "^  systemctl stop kube-proxy.service$" "$work/out" || fail "uninstall dry run: no stop command"
grep -q "^restore   /etc/default/etcd$" "$work/out" || fail "uninstall dry run: no restore line"
grep -q "^keep      /etc/default/kubelet" "$work/out" || fail "uninstall dry run: no keep line"
"$install" uninstall --root "$un" >"$work/out" 2>&1
grep -q "services not stopped (--root)" "$work/out" || { cat "$work/out"; fail "uninstall stopped under --root"; }
grep -q 'ETCD_OPTS="--mine"' "$un/etc/default/etcd" || fail "uninstall did not restore the original"
[ ! -e "$un/etc/kha/pound.cfg" ] || fail "uninstall left pound.cfg"
[ -f "$un/etc/default/kubelet" ] || fail "uninstall removed an edited file"
grep -q "kubelet" "$work/out" || fail "no warning about the kept file"
"$install" uninstall --root "$un" >"$work/out" 2>&1
grep -q "nothing to uninstall" "$work/out" || { cat "$work/out"; fail "second uninstall"; }
echo "PASS: install, idempotence, dry run, refusals and uninstall"
