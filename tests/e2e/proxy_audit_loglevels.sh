#!/bin/bash
# Issue 3 audit: the request log lines kha-proxy writes at LogLevel 0 to 5,
# as Pound documents them, for a real curl request through each of six
# listeners (one per level; level 3 inherited from the global LogLevel):
# 1 basic, 2 extended with virtual host, service and backend, 3 Apache
# combined with the virtual host first, 4 Apache combined, 5 combined with
# service, backend and time; 0 writes nothing.
set -euo pipefail
# shellcheck source=tests/e2e/lib/proxy_env.sh
source "$(dirname "$0")/lib/proxy_env.sh"

start_backend a
ports=()
for level in 0 1 2 3 4 5; do ports[level]=$(free_port); done
{
  echo "Daemon 0"
  echo "LogLevel 3"
  for level in 0 1 2 3 4 5; do
    echo "ListenHTTP"
    echo "  Address 127.0.0.1"
    echo "  Port ${ports[level]}"
    [ "$level" = 3 ] || echo "  LogLevel $level"
    echo '  Service "api"'
    backend_block "$BACKEND_PORT"
    echo "  End"
    echo "End"
  done
} >"$WORK/pound.cfg"
start_proxy "$WORK/pound.cfg" "${ports[5]}"

for level in 0 1 2 3 4 5; do
  out=$(timeout 20 curl -sS -H 'Host: vh.example' -e 'http://ref.example/' -A 'agent/1.0' \
    -u alice:secret "http://127.0.0.1:${ports[level]}/log$level") || fail "curl to level $level"
  [ "$out" = "a GET /log$level" ] || fail "level $level listener answered '$out'"
done
wait_for grep -q '/log5' "$WORK/proxy.log" || fail "no log line for the level 5 request"

# line_for N: the one log line about /logN.
line_for() {
  local lines
  lines=$(grep -F "/log$1 " "$WORK/proxy.log" || true)
  [ "$(grep -c . <<<"$lines")" = 1 ] || fail "expected one line about /log$1, got: '$lines'"
  printf '%s\n' "$lines"
}

if grep -qF '/log0 ' "$WORK/proxy.log"; then fail "LogLevel 0 logged: $(grep -F /log0 "$WORK/proxy.log")"; fi

be="127\\.0\\.0\\.1:$BACKEND_PORT"
clf='\[[0-3][0-9]/[A-Z][a-z]{2}/20[0-9]{2}:[0-2][0-9]:[0-5][0-9]:[0-5][0-9] \+0000\]'
secs='[0-9]+\.[0-9]{3} sec'
combined() { # the Apache combined part for /logN
  printf '127\\.0\\.0\\.1 - alice %s "GET /log%s HTTP/1\\.1" 200 11 "http://ref\\.example/" "agent/1\\.0"' "$clf" "$1"
}
expect_line() {
  local level=$1 pattern=$2 line
  line=$(line_for "$level")
  [[ $line =~ ^$pattern$ ]] || fail "LogLevel $level line: '$line' does not match '^$pattern\$'"
}
expect_line 1 '127\.0\.0\.1 GET /log1 HTTP/1\.1 - HTTP/1\.1 200 OK'
expect_line 2 "127\\.0\\.0\\.1 GET /log2 HTTP/1\\.1 - HTTP/1\\.1 200 OK \\(vh\\.example/api -> $be\\) $secs"
expect_line 3 "vh\\.example $(combined 3)"
expect_line 4 "$(combined 4)"
expect_line 5 "$(combined 5) \\(api -> $be\\) $secs"

echo "PASS: proxy_audit_loglevels"
