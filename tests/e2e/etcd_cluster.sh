#!/bin/bash
# The etcd configuration kha-install renders for the example's three nodes
# starts a real three-member etcd cluster (Debian's etcd-server), each member
# in a network namespace of its own at the example's addresses, which reports
# healthy and replicates a write.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/support/netns.sh
source "$here/support/netns.sh"
netns_require
for tool in etcd etcdctl; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (tools/install-deps.sh test)"; exit 1; }
done

work=$(mktemp -d)
prefix="khe$$"
cleanup() {
  netns_down "$prefix"
  rm -rf "$work"
}
trap cleanup EXIT

names=(infra0 infra1 infra2)
ips=(10.211.55.14 10.211.55.15 10.211.55.16)
for i in 0 1 2; do
  root="$work/${names[i]}"
  mkdir -p "$root/etc"
  printf 'NAME="Ubuntu"\nVERSION_ID="16.04"\nID=ubuntu\n' >"$root/etc/os-release"
  "$KHA_BIN/kha-install" --quiet --root "$root" --node "${names[i]}" \
    "$KHA_SOURCE_DIR/examples/answers.toml"
done

netns_up "$prefix" "${ips[@]}"
for i in 0 1 2; do
  # The rendered file is what the init system sources; only the data dir is
  # moved into the test's folder, as the three members share one filesystem.
  # shellcheck disable=SC1090 # the file under test
  opts=$(. "$work/${names[i]}/etc/default/etcd" && echo "$ETCD_OPTS")
  case "$opts" in *"--name ${names[i]} "*) ;; *) echo "FAIL: no --name ${names[i]} in: $opts"; exit 1 ;; esac
  read -r -a words <<<"$opts"
  for j in "${!words[@]}"; do
    [ "${words[j]}" = --data-dir ] && words[j + 1]="$work/data$i"
  done
  netns_exec "$prefix" "$i" etcd "${words[@]}" >"$work/etcd$i.log" 2>&1 &
done

endpoints="http://${ips[0]}:4001,http://${ips[1]}:4001,http://${ips[2]}:4001"
healthy=""
for _ in $(seq 1 60); do
  if netns_exec "$prefix" 0 env ETCDCTL_API=3 etcdctl --endpoints "$endpoints" \
    --dial-timeout 1s endpoint health >"$work/health" 2>&1; then
    healthy=yes
    break
  fi
  sleep 0.5
done
if [ -z "$healthy" ]; then
  echo "FAIL: cluster not healthy"; cat "$work/health"; tail -5 "$work"/etcd*.log; exit 1
fi
grep -c "is healthy" "$work/health" | grep -qx 3 || { echo "FAIL: not 3 healthy"; cat "$work/health"; exit 1; }

members=$(netns_exec "$prefix" 1 env ETCDCTL_API=3 etcdctl --endpoints "http://${ips[1]}:4001" \
  member list | awk -F', ' '{print $3}' | sort | tr '\n' ' ')
[ "$members" = "infra0 infra1 infra2 " ] || { echo "FAIL: members: $members"; exit 1; }

# A write through one member is read back from another.
netns_exec "$prefix" 0 env ETCDCTL_API=3 etcdctl --endpoints "http://${ips[0]}:4001" put /kha/e2e ok >/dev/null
value=$(netns_exec "$prefix" 2 env ETCDCTL_API=3 etcdctl --endpoints "http://${ips[2]}:4001" \
  get --print-value-only /kha/e2e)
[ "$value" = ok ] || { echo "FAIL: replicated value '$value'"; exit 1; }
echo "PASS: 3 etcd members from rendered configs are healthy and replicate"
