#!/bin/bash
# The shipped init files and scripts are valid where they will run:
# - shellcheck and sh -n accept the LSB script, kha-flannel-config and the
#   /etc/default files;
# - upstart jobs use only upstart's stanzas and their script blocks parse;
# - systemd-analyze verify accepts the systemd units (in a temp root holding
#   stub binaries, since this machine's PID 1 is not systemd);
# - kha-proxy -c accepts every pound.cfg (when KHA_BIN holds kha-proxy);
# - kha-flannel-config stores the network JSON in a real etcd over loopback,
#   across a dead endpoint, retrying until etcd comes up, and gives up in time;
# - /etc/init.d/kha-proxy starts, reloads, stops and reports a stand-in daemon
#   through Debian's /lib/lsb/init-functions, refusing a broken config.
# The files checked are the golden files, which the unit tests keep equal to
# what RenderNode writes.
set -euo pipefail
src=${KHA_SOURCE_DIR:?}
golden="$src/tests/golden"
for tool in shellcheck systemd-analyze etcd curl python3 start-stop-daemon; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (tools/install-deps.sh test)"; exit 1; }
done

work=$(mktemp -d)
etcd_pid=""
script_pid=""
cleanup() {
  for pid in $script_pid $etcd_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

echo "== shellcheck and sh -n: sources and rendered scripts"
scripts=("$src"/init/sysv/* "$src"/scripts/*
  "$golden"/*/*/etc/init.d/kha-proxy "$golden"/*/*/usr/local/lib/kha/kha-flannel-config)
shellcheck --shell=sh "${scripts[@]}"
for f in "${scripts[@]}"; do
  sh -n "$f" || fail "sh -n $f"
  [ -x "$f" ] || [[ "$f" == "$golden"/* ]] || fail "$f is not executable"
done

echo "== /etc/default files: valid sh that sets the variable the init files read"
declare -A variable=(
  [etcd]=ETCD_OPTS [kube-apiserver]=KUBE_APISERVER_OPTS
  [kube-controller-manager]=KUBE_CONTROLLER_MANAGER_OPTS [kube-scheduler]=KUBE_SCHEDULER_OPTS
  [kubelet]=KUBELET_OPTS [kube-proxy]=KUBE_PROXY_OPTS [flanneld]=FLANNEL_OPTS
  [kha-proxy]=KHA_PROXY_OPTS)
# SC2034: the variables are used by whoever sources the file.
shellcheck --shell=sh --exclude=SC2034 "$golden"/*/*/etc/default/*
defaults=0
for f in "$golden"/*/*/etc/default/*; do
  name=$(basename "$f")
  var=${variable[$name]:-}
  [ -n "$var" ] || fail "unexpected /etc/default file $f"
  value=$(sh -c '. "$1" && eval "printf %s \"\$$2\""' sh "$f" "$var")
  [ -n "$value" ] || fail "$f does not set $var"
  defaults=$((defaults + 1))
done
[ "$defaults" -eq 48 ] || fail "expected 48 /etc/default files (3 nodes x 2 inits x 8), saw $defaults"

echo "== upstart jobs: known stanzas only, script blocks parse"
stanzas=" description author version start stop respawn limit script pre-start post-start
  pre-stop post-stop exec env export console kill normal expect task instance manual
  nice oom setuid setgid chdir chroot umask usage emits apparmor cgroup "
jobs=0
for job in "$golden"/upstart/*/etc/init/*.conf; do
  jobs=$((jobs + 1))
  in_script=0
  body=""
  while IFS= read -r line; do
    if [ "$in_script" = 1 ]; then
      if [ "$line" = "end script" ]; then
        printf '%s' "$body" | sh -n || fail "script block of $job does not parse"
        in_script=0
        body=""
      else
        body+="$line"$'\n'
      fi
      continue
    fi
    case "$line" in "" | "#"*) continue ;; esac
    word=${line%% *}
    [[ "$stanzas" == *" $word "* ]] || fail "$job: unknown upstart stanza '$word'"
    case "$line" in script | pre-start\ script | post-start\ script | pre-stop\ script | post-stop\ script)
      in_script=1 ;;
    esac
  done <"$job"
  [ "$in_script" = 0 ] || fail "$job: script without 'end script'"
  grep -q '^start on ' "$job" || fail "$job has no 'start on'"
done
[ "$jobs" -eq 24 ] || fail "expected 24 upstart jobs, saw $jobs"

echo "== systemd-analyze verify on the systemd units"
for node in "$golden"/systemd/*; do
  root="$work/root-$(basename "$node")"
  mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
  # The manager needs its own targets (sysinit.target, …) inside the root.
  cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp "$node"/etc/systemd/system/*.service "$root/etc/systemd/system/"
  # Every command a unit runs must exist and be executable inside the root.
  grep -h '^Exec[A-Za-z]*=' "$root"/etc/systemd/system/*.service | sed 's/^[^=]*=[-@+!:]*//; s/ .*//' |
    sort -u | while read -r bin; do
      mkdir -p "$root$(dirname "$bin")"
      printf '#!/bin/sh\n' >"$root$bin"
      chmod 755 "$root$bin"
    done
  # Unknown keys are only warnings (exit 0): any output is a failure.
  out=$(timeout 60 systemd-analyze --root="$root" --man=no --generators=no \
    verify "$root"/etc/systemd/system/*.service 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify $(basename "$node"): $out"
done

echo "== systemd-analyze verify does catch a broken unit"
root="$work/root-infra0"
sed -i 's/^Restart=/Restrt=/' "$root/etc/systemd/system/etcd.service"
out=$(timeout 60 systemd-analyze --root="$root" --man=no --generators=no \
  verify "$root/etc/systemd/system/etcd.service" 2>&1) || true
[[ "$out" == *"Unknown key 'Restrt' in section [Service]"* ]] || fail "broken unit passed: $out"

echo "== kha-proxy -c accepts every rendered pound.cfg"
proxy="${KHA_BIN:-}/kha-proxy"
if [ -n "${KHA_BIN:-}" ] && [ -x "$proxy" ]; then
  for cfg in "$golden"/*/*/etc/kha/pound.cfg; do
    out=$("$proxy" -c -f "$cfg" 2>&1) || fail "kha-proxy -c -f $cfg: $out"
  done
  printf 'ListenHTTP\n    Prot 8080\nEnd\n' >"$work/bad.cfg"
  if "$proxy" -c -f "$work/bad.cfg" >/dev/null 2>&1; then fail "kha-proxy -c accepted a bad file"; fi
else
  echo "(no kha-proxy in KHA_BIN=${KHA_BIN:-}; pound.cfg not checked)"
fi

echo "== kha-flannel-config stores the network JSON in a real etcd"
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
client=$(free_port)
peer=$(free_port)
dead=$(free_port)
script="$golden/systemd/infra0/usr/local/lib/kha/kha-flannel-config"
json="$work/network.json"
# Characters form decoding would change must arrive unchanged.
printf '{"Network": "10.244.0.0/16", "Backend": {"Type": "a+b&c%%d;e#f=g"}}\n' >"$json"

# Started before etcd: the first rounds fail, a later one succeeds; the dead
# endpoint comes first, so every round also fails over to the next one.
KHA_FLANNEL_TRIES=40 KHA_FLANNEL_DELAY=0.25 timeout 30 sh "$script" \
  "http://127.0.0.1:$dead,http://127.0.0.1:$client/" "$json" >"$work/script.out" 2>&1 &
script_pid=$!
sleep 1
etcd --name e2e --data-dir "$work/etcd" --enable-v2 \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "e2e=http://127.0.0.1:$peer" >"$work/etcd.log" 2>&1 &
etcd_pid=$!
wait "$script_pid" || fail "kha-flannel-config failed: $(cat "$work/script.out")"
script_pid=""
grep -qx "kha-flannel-config: stored $json at http://127.0.0.1:$client/v2/keys/coreos.com/network/config" \
  "$work/script.out" || fail "unexpected output: $(cat "$work/script.out")"
stored=$(curl -fsS "http://127.0.0.1:$client/v2/keys/coreos.com/network/config" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["node"]["value"])')
[ "$stored" = "$(cat "$json")" ] || fail "etcd holds '$stored', not '$(cat "$json")'"

echo "== kha-flannel-config gives up after its rounds"
start=$(date +%s)
if KHA_FLANNEL_TRIES=3 KHA_FLANNEL_DELAY=0.1 timeout 20 sh "$script" \
  "http://127.0.0.1:$dead" "$json" >"$work/fail.out" 2>&1; then
  fail "kha-flannel-config succeeded without etcd"
fi
grep -qx "kha-flannel-config: no etcd endpoint of http://127.0.0.1:$dead accepted /v2/keys/coreos.com/network/config after 3 rounds" \
  "$work/fail.out" || fail "unexpected message: $(cat "$work/fail.out")"
[ $(($(date +%s) - start)) -lt 10 ] || fail "giving up took too long"
if sh "$script" "http://127.0.0.1:$client" >"$work/usage.out" 2>&1; then fail "no usage error"; fi
grep -qx "usage: kha-flannel-config ENDPOINTS FILE" "$work/usage.out" || fail "no usage message"

echo "== /etc/init.d/kha-proxy drives a daemon through Debian's LSB functions"
# The rendered script with its three absolute paths moved into the test's
# folder; a stand-in daemon takes kha-proxy's options (-c check, -p pidfile).
lsb="$work/lsb"
mkdir -p "$lsb/default" "$lsb/run" "$lsb/bin"
sed -e "s|/etc/default/\$NAME|$lsb/default/\$NAME|g" -e "s|/var/run/\$NAME.pid|$lsb/run/\$NAME.pid|" \
  -e "s|/etc/init/\$NAME.conf|$lsb/init/\$NAME.conf|" \
  "$golden/upstart/infra0/etc/init.d/kha-proxy" >"$lsb/init.d-kha-proxy"
grep -q "$lsb/default/" "$lsb/init.d-kha-proxy" || fail "LSB script paths not found"
cat >"$lsb/bin/kha-proxy" <<'DAEMON'
#!/bin/sh
check=0 pidfile="" config=""
while [ $# -gt 0 ]; do
  case $1 in -c) check=1 ;; -p) pidfile=$2; shift ;; -f) config=$2; shift ;; esac
  shift
done
if [ "$check" = 1 ]; then
  if grep -q broken "$config"; then echo "$config:1.1: broken" >&2; exit 1; fi
  exit 0
fi
(
  trap 'echo hup >>"$config.signals"' HUP
  trap 'rm -f "$pidfile"; exit 0' TERM
  while :; do sleep 0.1; done
) </dev/null >/dev/null 2>&1 &
echo $! >"$pidfile"
DAEMON
chmod 755 "$lsb/bin/kha-proxy"
sed -e "s|^KHA_PROXY_BIN=.*|KHA_PROXY_BIN=\"$lsb/bin/kha-proxy\"|" \
  -e "s|^KHA_PROXY_OPTS=.*|KHA_PROXY_OPTS=\"-f $lsb/pound.cfg\"|" \
  -e "s|^KHA_PROXY_CONTROL_DIR=.*|KHA_PROXY_CONTROL_DIR=\"$lsb/control\"|" \
  "$golden/upstart/infra0/etc/default/kha-proxy" >"$lsb/default/kha-proxy"
cp "$golden/upstart/infra0/etc/kha/pound.cfg" "$lsb/pound.cfg"
initd() { timeout 20 sh "$lsb/init.d-kha-proxy" "$@"; }

initd start >"$lsb/out" 2>&1 || fail "start: $(cat "$lsb/out")"
pid=$(cat "$lsb/run/kha-proxy.pid")
kill -0 "$pid" || fail "no daemon after start"
[ -d "$lsb/control" ] || fail "control socket folder not created"
initd status >"$lsb/out" 2>&1 || fail "status of a running daemon: $(cat "$lsb/out")"
grep -q "kha-proxy is running" "$lsb/out" || fail "status says: $(cat "$lsb/out")"
initd reload >"$lsb/out" 2>&1 || fail "reload: $(cat "$lsb/out")"
for _ in $(seq 50); do [ -s "$lsb/pound.cfg.signals" ] && break; sleep 0.1; done
grep -qx hup "$lsb/pound.cfg.signals" || fail "reload sent no SIGHUP"
echo "broken" >>"$lsb/pound.cfg"
if initd restart >"$lsb/out" 2>&1; then fail "restart with a broken config succeeded"; fi
grep -q "kha-proxy: configuration has errors, not (re)starting" "$lsb/out" ||
  fail "restart with a broken config says: $(cat "$lsb/out")"
kill -0 "$pid" || fail "a failed config check stopped the running daemon"
initd stop >"$lsb/out" 2>&1 || fail "stop: $(cat "$lsb/out")"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "daemon still running after stop"; fi
status=0
initd status >"$lsb/out" 2>&1 || status=$?
[ "$status" = 3 ] || fail "status of a stopped daemon: exit $status, $(cat "$lsb/out")"
status=0
initd bogus >"$lsb/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "unknown action: exit $status"
grep -q "^Usage:" "$lsb/out" || fail "unknown action says: $(cat "$lsb/out")"

echo "PASS"
