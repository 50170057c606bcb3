#!/bin/bash
# kha-proxy's command line as pound's: -c on good and bad files (exact
# stderr, exit codes), -V, -h, and usage errors.
set -euo pipefail
# shellcheck source=tests/e2e/proxyctl_lib.sh
source "$(dirname "$0")/proxyctl_lib.sh"

cat >"$WORK/good.cfg" <<'CFG'
LogLevel 1
Control "/tmp/unused.sock"
ListenHTTP
  Address 127.0.0.1
  Port 8080
  Service
    BackEnd
      Address 10.211.55.14
      Port 8081
    End
  End
End
CFG
cat >"$WORK/bad.cfg" <<'CFG'
LogLevel 1
ListenHTTP
  Address 127.0.0.1
  Port 8080
  Service
    BackEnd
      Address x.x.x.x
      Port 8081
    End
  End
End
CFG

# A valid file: silent, exit 0.
out=$("$PROXY" -c -f "$WORK/good.cfg" 2>&1) || fail "-c on a valid file exited $?"
[ -z "$out" ] || fail "-c on a valid file printed: $out"

# The seed's own pound.cfg (with the backends' addresses filled in) passes.
"$PROXY" -c -f "$KHA_SOURCE_DIR/tests/fixtures/pound/seed-ips.cfg" ||
  fail "the seed's pound.cfg does not pass -c"

# An invalid file: FILE:LINE.COL: message on stderr, nothing on stdout, exit 1.
set +e
"$PROXY" -c -f "$WORK/bad.cfg" >"$WORK/out" 2>"$WORK/err"
code=$?
set -e
[ "$code" = 1 ] || fail "-c on an invalid file exited $code, not 1"
[ ! -s "$WORK/out" ] || fail "-c printed on stdout: $(cat "$WORK/out")"
expected="$WORK/bad.cfg:7.15: \"x.x.x.x\" is not a numeric address (kha-proxy does not resolve host names)"
[ "$(head -n1 "$WORK/err")" = "$expected" ] ||
  fail "stderr was: $(cat "$WORK/err"); expected first line: $expected"

# A missing file.
set +e
"$PROXY" -c -f "$WORK/none.cfg" 2>"$WORK/err"
code=$?
set -e
[ "$code" = 1 ] || fail "-c on a missing file exited $code"
[ "$(cat "$WORK/err")" = "$WORK/none.cfg: cannot read the configuration file: No such file or directory" ] ||
  fail "missing file: $(cat "$WORK/err")"

# -V prints the version; -h teaches with an example; both exit 0.
version=$("$PROXY" -V)
[[ $version =~ ^kha-proxy\ [0-9]+\.[0-9]+\.[0-9]+\ \(built\ [0-9-]+\)$ ]] || fail "-V printed: $version"
help=$("$PROXY" -h)
grep -q '^Usage: kha-proxy ' <<<"$help" || fail "-h has no usage line"
grep -q 'kha-proxy -c -f /etc/kha/pound.cfg' <<<"$help" || fail "-h has no example"
[ "$("$PROXY" --help)" = "$help" ] || fail "--help differs from -h"

# Usage errors: exit 2 and a pointer to -h.
set +e
"$PROXY" -q 2>"$WORK/err"
code=$?
set -e
[ "$code" = 2 ] || fail "an unknown option exited $code, not 2"
[ "$(cat "$WORK/err")" = "kha-proxy: unknown option -q
Try 'kha-proxy -h' for more information." ] || fail "unknown option: $(cat "$WORK/err")"

# kha-proxyctl's own -h, -V and usage errors.
"$PROXYCTL" -h | grep -q -- '-b L S B' || fail "kha-proxyctl -h does not teach -b"
"$PROXYCTL" -V | grep -q '^kha-proxyctl ' || fail "kha-proxyctl -V"
set +e
"$PROXYCTL" 2>"$WORK/err"
code=$?
set -e
[ "$code" = 2 ] || fail "kha-proxyctl without -c exited $code"
[ "$(head -n1 "$WORK/err")" = "kha-proxyctl: missing -c SOCKET (the Control path from kha-proxy's configuration)" ] ||
  fail "kha-proxyctl without -c: $(cat "$WORK/err")"
set +e
"$PROXYCTL" -c "$WORK/absent.sock" 2>"$WORK/err"
code=$?
set -e
[ "$code" = 1 ] || fail "kha-proxyctl on a missing socket exited $code"
[ "$(cat "$WORK/err")" = "kha-proxyctl: control socket $WORK/absent.sock: no such file (is kha-proxy running, and does its config set Control to this path?)" ] ||
  fail "missing socket: $(cat "$WORK/err")"

# The release executables (make test passes KHA_STATIC_BIN) are fully static
# and behave the same.
if [ -n "${KHA_STATIC_BIN:-}" ] && [ -x "$KHA_STATIC_BIN/kha-proxy" ]; then
  for program in kha-proxy kha-proxyctl; do
    file -L "$KHA_STATIC_BIN/$program" | grep -q 'statically linked' ||
      fail "$program is not statically linked: $(file -L "$KHA_STATIC_BIN/$program")"
  done
  "$KHA_STATIC_BIN/kha-proxy" -c -f "$WORK/good.cfg" || fail "static kha-proxy -c failed"
  set +e
  "$KHA_STATIC_BIN/kha-proxy" -c -f "$WORK/bad.cfg" 2>"$WORK/err"
  code=$?
  set -e
  [ "$code" = 1 ] || fail "static kha-proxy -c on a bad file exited $code"
  [ "$(head -n1 "$WORK/err")" = "$expected" ] ||
    fail "static kha-proxy -c on a bad file: $(cat "$WORK/err")"
fi

echo "PASS: proxy_cli_check"
