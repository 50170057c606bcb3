#!/bin/bash
# kha-proxyctl against a running kha-proxy: the listing, disabling a backend
# (no more traffic to it), enabling it (traffic again), --json, clear errors,
# and the control socket's mode and removal.
set -euo pipefail
# shellcheck source=tests/e2e/proxyctl_lib.sh
source "$(dirname "$0")/proxyctl_lib.sh"

start_backend alpha
alpha=$BACKEND_PORT
start_backend beta
beta=$BACKEND_PORT
port=$(free_port)
socket=$WORK/ctl.sock
cat >"$WORK/pound.cfg" <<CFG
LogLevel 0
Alive 1
Control "$socket"
ListenHTTP
  Address 127.0.0.1
  Port $port
  Service "api"
    BackEnd
      Address 127.0.0.1
      Port $alpha
    End
    BackEnd
      Address 127.0.0.1
      Port $beta
    End
  End
End
CFG

"$PROXY" -e -f "$WORK/pound.cfg" 2>"$WORK/proxy.log" &
proxy=$!
BG_PIDS+=("$proxy")
wait_for_port "$port"
wait_for "$socket"

[ "$(stat -c %a "$socket")" = 600 ] || fail "control socket mode is $(stat -c %a "$socket")"

# Traffic reaches both backends.
seen=""
for _ in $(seq 8); do seen="$seen $(get "$port")"; done
[[ $seen == *alpha* && $seen == *beta* ]] || fail "not both backends served: $seen"

# The listing: one aligned row per backend.
"$PROXYCTL" -c "$socket" >"$WORK/list"
head -n1 "$WORK/list" | grep -Eq '^ID +LISTENER +SERVICE +BACKEND +STATE +PRIORITY +ACTIVE +REQUESTS +LAST ERROR$' ||
  fail "listing header: $(head -n1 "$WORK/list")"
grep -Eq "^0/0/0 +http 127\.0\.0\.1:$port +api +127\.0\.0\.1:$alpha +alive +5 +[0-9]+ +[1-9][0-9]* +-$" "$WORK/list" ||
  fail "no alive row for alpha: $(cat "$WORK/list")"
grep -Eq "^0/0/1 +http 127\.0\.0\.1:$port +api +127\.0\.0\.1:$beta +alive " "$WORK/list" ||
  fail "no row for beta: $(cat "$WORK/list")"

# Disable alpha: no more traffic to it.
[ "$("$PROXYCTL" -c "$socket" -b 0 0 0)" = "backend 0/0/0 disabled" ] || fail "-b did not confirm"
"$PROXYCTL" -c "$socket" | grep -Eq "^0/0/0 .* disabled " || fail "alpha not shown disabled"
"$PROXYCTL" -c "$socket" --json | grep -q "\"port\":$alpha,\"priority\":5,\"status\":\"disabled\"" ||
  fail "--json does not show alpha disabled: $("$PROXYCTL" -c "$socket" --json)"
for _ in $(seq 8); do
  body=$(get "$port")
  [ "$body" = beta ] || fail "a disabled backend still got a request ($body)"
done

# Enable it again: traffic returns.
[ "$("$PROXYCTL" -c "$socket" -B 0 0 0)" = "backend 0/0/0 enabled" ] || fail "-B did not confirm"
seen=""
for _ in $(seq 8); do seen="$seen $(get "$port")"; done
[[ $seen == *alpha* ]] || fail "alpha got no traffic after -B: $seen"

# A bad index is a clear error and exit 1.
set +e
"$PROXYCTL" -c "$socket" -b 0 0 7 2>"$WORK/err"
code=$?
set -e
[ "$code" = 1 ] || fail "a bad index exited $code"
[ "$(cat "$WORK/err")" = "kha-proxyctl: no such backend 0/0/7" ] || fail "bad index: $(cat "$WORK/err")"

# Another user is refused by the socket's mode, with a message that says so.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  set +e
  setpriv --reuid=65534 --regid=65534 --clear-groups "$PROXYCTL" -c "$socket" 2>"$WORK/err"
  code=$?
  set -e
  [ "$code" = 1 ] || fail "another user's kha-proxyctl exited $code"
  [ "$(cat "$WORK/err")" = "kha-proxyctl: control socket $socket: permission denied (the socket is mode 0600: run kha-proxyctl as the user that started kha-proxy, usually root)" ] ||
    fail "permission denied: $(cat "$WORK/err")"
fi

# TERM: exit 0 and the socket is gone.
kill -TERM "$proxy"
set +e
wait "$proxy"
code=$?
set -e
[ "$code" = 0 ] || fail "kha-proxy exited $code after TERM; log: $(cat "$WORK/proxy.log")"
[ ! -e "$socket" ] || fail "control socket left behind"

echo "PASS: proxyctl_backends"
