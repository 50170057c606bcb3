# shellcheck shell=bash
# Several hosts on one machine: network namespaces joined by a bridge that
# lives in a namespace of its own, so nothing touches the host's network.
# Source this file, then: netns_up PREFIX IP... ; netns_exec PREFIX N CMD... ;
# netns_down PREFIX. Host N (0-based) gets the N-th IP as a /24 on eth0.

netns_up() {
  local prefix=$1
  shift
  local hub="${prefix}-hub" i=0 ip
  ip netns add "$hub"
  ip -n "$hub" link add br0 type bridge
  ip -n "$hub" link set br0 up
  ip -n "$hub" link set lo up
  for ip in "$@"; do
    local ns="${prefix}-${i}"
    ip netns add "$ns"
    ip link add "kv${prefix: -4}${i}" type veth peer name eth0 netns "$ns"
    ip link set "kv${prefix: -4}${i}" netns "$hub"
    ip -n "$hub" link set "kv${prefix: -4}${i}" master br0 up
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    i=$((i + 1))
  done
}

netns_exec() {
  local prefix=$1 index=$2
  shift 2
  ip netns exec "${prefix}-${index}" "$@"
}

netns_down() {
  local prefix=$1 ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^${prefix}-" || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

# Skips the calling test (exit 77, which CTest reports as skipped) when namespaces cannot be made.
netns_require() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root for network namespaces"
    exit 77
  fi
  if ! ip netns add kha-probe-$$ 2>/dev/null; then
    echo "SKIP: this machine cannot create network namespaces"
    exit 77
  fi
  ip netns del kha-probe-$$
}
