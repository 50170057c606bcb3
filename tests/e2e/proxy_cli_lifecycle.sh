#!/bin/bash
# kha-proxy's process life: pidfile written and removed, SIGHUP reloads a
# changed backend list (and keeps the old one when the new file is bad),
# SIGTERM lets an in-flight slow request finish within Grace, a daemon
# reports ready through its parent, and a start-up failure reaches stderr.
set -euo pipefail
# shellcheck source=tests/e2e/proxyctl_lib.sh
source "$(dirname "$0")/proxyctl_lib.sh"

start_backend alpha
alpha=$BACKEND_PORT
start_backend gamma
gamma=$BACKEND_PORT
port=$(free_port)
socket=$WORK/ctl.sock
pidfile=$WORK/kha-proxy.pid

# write_config BACKEND_PORT...: one listener over the given backends.
write_config() {
  {
    echo "LogLevel 0"
    echo "Alive 1"
    echo "Grace 10"
    echo "Control \"$socket\""
    echo "ListenHTTP"
    echo "  Address 127.0.0.1"
    echo "  Port $port"
    echo "  Service"
    local backend
    for backend in "$@"; do
      printf '    BackEnd\n      Address 127.0.0.1\n      Port %s\n    End\n' "$backend"
    done
    echo "  End"
    echo "End"
  } >"$WORK/pound.cfg.new"
  mv "$WORK/pound.cfg.new" "$WORK/pound.cfg"
}

# --- foreground: pidfile, reload, graceful stop ---
write_config "$alpha"
"$PROXY" -e -p "$pidfile" -f "$WORK/pound.cfg" 2>"$WORK/proxy.log" &
proxy=$!
BG_PIDS+=("$proxy")
wait_for_port "$port"
wait_for "$pidfile"
[ "$(cat "$pidfile")" = "$proxy" ] || fail "pidfile holds $(cat "$pidfile"), not $proxy"
[ "$(get "$port")" = alpha ] || fail "alpha does not answer through the proxy"

# HUP with a changed backend list: new requests go to gamma only.
write_config "$gamma"
kill -HUP "$proxy"
for _ in $(seq 50); do
  grep -q "configuration reloaded from $WORK/pound.cfg" "$WORK/proxy.log" && break
  sleep 0.1
done
grep -q "^\[INFO\] configuration reloaded from $WORK/pound.cfg$" "$WORK/proxy.log" ||
  fail "no reload message; log: $(cat "$WORK/proxy.log")"
for _ in $(seq 6); do
  body=$(get "$port")
  [ "$body" = gamma ] || fail "after reload a request went to $body"
done
"$PROXYCTL" -c "$socket" | grep -q "127.0.0.1:$gamma " || fail "listing does not show gamma after reload"

# HUP with a broken file: the error is logged, the running configuration stays.
echo "ListenHTTP" >"$WORK/pound.cfg"
kill -HUP "$proxy"
for _ in $(seq 50); do
  grep -q "failed; the running configuration stays" "$WORK/proxy.log" && break
  sleep 0.1
done
grep -q "^\[ERROR\] reload of $WORK/pound.cfg failed; the running configuration stays:$" "$WORK/proxy.log" ||
  fail "no reload error; log: $(cat "$WORK/proxy.log")"
grep -q "^\[ERROR\] $WORK/pound.cfg:" "$WORK/proxy.log" || fail "the reload error does not name the place"
[ "$(get "$port")" = gamma ] || fail "the proxy stopped serving after a bad reload"

# TERM while a slow request is in flight: it completes, then the proxy exits 0.
get "$port" '/slow?2' >"$WORK/slow.out" &
slow=$!
sleep 0.7
kill -TERM "$proxy"
wait "$slow" || fail "the in-flight request failed during the graceful stop"
[ "$(cat "$WORK/slow.out")" = gamma ] || fail "the in-flight request got: $(cat "$WORK/slow.out")"
set +e
wait "$proxy"
code=$?
set -e
[ "$code" = 0 ] || fail "kha-proxy exited $code after TERM; log: $(cat "$WORK/proxy.log")"
[ ! -e "$pidfile" ] || fail "pidfile left behind"
[ ! -e "$socket" ] || fail "control socket left behind"
if curl -s --max-time 2 "http://127.0.0.1:$port/" >/dev/null; then fail "still accepting after exit"; fi

# --- daemon: the parent returns 0 once the daemon serves ---
write_config "$alpha"
echo "LogFacility -" >>"$WORK/pound.cfg"
"$PROXY" -p "$pidfile" -f "$WORK/pound.cfg" || fail "the daemon's parent exited $?"
wait_for "$pidfile"
daemon=$(cat "$pidfile")
kill -0 "$daemon" || fail "the daemon $daemon does not run"
# Field 4 of /proc/PID/stat is the parent's pid (the command has no spaces).
[ "$(cut -d' ' -f4 "/proc/$daemon/stat")" != "$$" ] || fail "the daemon is still our child"
[ "$(get "$port")" = alpha ] || fail "the daemon does not serve"
kill -TERM "$daemon"
wait_gone "$daemon"
[ ! -e "$pidfile" ] || fail "the daemon left its pidfile"

# --- User/Group: bound as root, then serving as nobody:nogroup ---
if [ "$(id -u)" = 0 ] && grep -q '^nobody:' /etc/passwd && grep -q '^nogroup:' /etc/group; then
  nobody_uid=$(grep '^nobody:' /etc/passwd | cut -d: -f3)
  nogroup_gid=$(grep '^nogroup:' /etc/group | cut -d: -f3)
  write_config "$alpha"
  sed -i '/^Control /d' "$WORK/pound.cfg"
  printf 'User "nobody"\nGroup "nogroup"\n' >>"$WORK/pound.cfg"
  "$PROXY" -e -f "$WORK/pound.cfg" 2>"$WORK/proxy.log" &
  proxy=$!
  BG_PIDS+=("$proxy")
  wait_for_port "$port"
  [ "$(get "$port")" = alpha ] || fail "the proxy does not serve as nobody"
  uids=$(awk '/^Uid:/ {print $2, $3, $4}' "/proc/$proxy/status")
  gids=$(awk '/^Gid:/ {print $2, $3, $4}' "/proc/$proxy/status")
  groups=$(awk '/^Groups:/ {print $2}' "/proc/$proxy/status")
  [ "$uids" = "$nobody_uid $nobody_uid $nobody_uid" ] || fail "real/effective/saved uid: $uids"
  [ "$gids" = "$nogroup_gid $nogroup_gid $nogroup_gid" ] || fail "real/effective/saved gid: $gids"
  [ "$groups" = "$nogroup_gid" ] || fail "supplementary groups: $groups"
  kill -TERM "$proxy"
  set +e
  wait "$proxy"
  code=$?
  set -e
  [ "$code" = 0 ] || fail "kha-proxy as nobody exited $code; log: $(cat "$WORK/proxy.log")"
fi

# --- a start-up failure reaches the user: the port is taken ---
write_config "$alpha"
echo "LogFacility -" >>"$WORK/pound.cfg"
python3 -c "
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port))
s.listen()
time.sleep(30)
" &
BG_PIDS+=($!)
wait_for_port "$port"
set +e
"$PROXY" -f "$WORK/pound.cfg" 2>"$WORK/err"
code=$?
set -e
[ "$code" = 1 ] || fail "a failed start exited $code"
# LogFacility - : the error is logged on stderr once, before any fork.
[ "$(cat "$WORK/err")" = "[ERROR] bind 127.0.0.1:$port: another process listens there (is kha-proxy already running?): Address already in use" ] ||
  fail "start-up error: $(cat "$WORK/err")"
[ ! -e "$socket" ] || fail "a failed start left its control socket"

echo "PASS: proxy_cli_lifecycle"
