# Helpers for the kubectl scenarios (tests/e2e/proxy_kubectl_*.sh): the
# kube_stub API server (tests/e2e/support/kube_stub, Go in GOPATH mode with
# Debian's packages) and kubectl 1.20 from Debian's kubernetes-client, both
# cached under $KHA_BUILD_DIR/e2e-cache so reruns neither build nor
# download again. Source it after proxy_env.sh.
# shellcheck shell=bash disable=SC2034 # variables here are read by the scripts that source it

KUBE_CACHE=${KHA_BUILD_DIR:-$WORK}/e2e-cache
KUBE_STUB_SOURCE=$LIB/../support/kube_stub
mkdir -p "$KUBE_CACHE"

# Parallel ctest runs share the cache: one builder or downloader at a time.
kube_cache_lock() {
  exec 9>"$KUBE_CACHE/lock"
  flock -w 300 9 || fail "no lock on $KUBE_CACHE/lock within 300 s"
}
kube_cache_unlock() {
  exec 9>&-
}

# build_kube_stub: sets KUBE_STUB to the binary built from the current
# sources (the cache key is their hash and the Go version).
build_kube_stub() {
  command -v go >/dev/null || fail "go is not installed (tools/install-deps.sh test)"
  local package
  for package in github.com/moby/spdystream github.com/gorilla/websocket; do
    [ -d "/usr/share/gocode/src/$package" ] ||
      fail "Go package $package is missing (tools/install-deps.sh test)"
  done
  local key
  key=$({ cat "$KUBE_STUB_SOURCE"/*.go; go version; } | sha256sum | cut -c1-16)
  KUBE_STUB=$KUBE_CACHE/kube_stub-$key
  [ -x "$KUBE_STUB" ] && return 0
  kube_cache_lock
  if [ ! -x "$KUBE_STUB" ]; then
    echo "[INFO] building kube_stub into $KUBE_STUB"
    mkdir -p "$WORK/gopath"
    (cd "$KUBE_STUB_SOURCE" &&
      GO111MODULE=off GOENV=off GOFLAGS='' GOPATH=/usr/share/gocode:$WORK/gopath \
        GOCACHE=$KUBE_CACHE/go-build timeout 300 go build -o "$KUBE_STUB.tmp" .) ||
      fail "go build of $KUBE_STUB_SOURCE failed"
    mv "$KUBE_STUB.tmp" "$KUBE_STUB"
  fi
  kube_cache_unlock
}

# fetch_kubectl_120: sets KUBECTL_120 to kubectl 1.20 unpacked from Debian's
# kubernetes-client (it conflicts with the kubectl package, so it is never
# installed). If apt cannot download it, KUBECTL_120 is empty: the scripts
# test the installed kubectl, then exit 77 (skipped) to say 1.20 was not.
fetch_kubectl_120() {
  local root=$KUBE_CACHE/kubernetes-client
  KUBECTL_120=$root/usr/bin/kubectl
  if [ ! -x "$KUBECTL_120" ]; then
    kube_cache_lock
    if [ ! -x "$KUBECTL_120" ]; then
      echo "[INFO] downloading Debian's kubernetes-client into $root"
      local download=$WORK/kubernetes-client
      mkdir -p "$download"
      # apt warns when its sandbox user cannot write the folder: let it.
      chmod 755 "$download"
      if ! (cd "$download" && timeout 180 apt-get download -q kubernetes-client) >"$WORK/apt.log" 2>&1; then
        cat "$WORK/apt.log" >&2
        echo "[WARN] apt-get download kubernetes-client failed (no apt lists or no registry?)" >&2
        kube_cache_unlock
        KUBECTL_120=
        return 0
      fi
      rm -rf "$root.tmp"
      dpkg-deb -x "$download"/kubernetes-client_*.deb "$root.tmp" || fail "dpkg-deb -x of kubernetes-client"
      rm -rf "$root"
      mv "$root.tmp" "$root"
    fi
    kube_cache_unlock
  fi
  "$KUBECTL_120" version --client 2>/dev/null | grep -q 'GitVersion:"v1\.20\.' ||
    fail "$KUBECTL_120 is not kubectl 1.20: $("$KUBECTL_120" version --client 2>&1)"
}

# skip_if_no_kubectl_120: the scripts' last word when 1.20 was missing.
skip_if_no_kubectl_120() {
  if [ -z "$KUBECTL_120" ]; then
    echo "SKIP: the installed kubectl passed; kubectl 1.20 (Debian's kubernetes-client) could not be downloaded" >&2
    exit 77
  fi
}

# start_kube_stub: runs the stub with its records in $WORK/record; sets
# STUB_PORT and STUB_RECORD.
start_kube_stub() {
  STUB_RECORD=$WORK/record
  mkdir -p "$STUB_RECORD"
  "$KUBE_STUB" -port-file "$WORK/stub.port" -record "$STUB_RECORD" 2>"$WORK/stub.log" &
  PIDS+=("$!")
  wait_for test -s "$WORK/stub.port" || fail "kube_stub did not start: $(cat "$WORK/stub.log")"
  STUB_PORT=$(cat "$WORK/stub.port")
}

# kube_proxy_config PORT BACKEND_PORT [GLOBAL_LINES]: a pound.cfg with one
# service in front of the stub; xHTTP 1 lets PATCH through.
kube_proxy_config() {
  cat <<CFG
Daemon 0
LogLevel 0
${3:-}
ListenHTTP
  Address 127.0.0.1
  Port $1
  xHTTP 1
  Service
$(backend_block "$2")
  End
End
CFG
}
