#!/bin/bash
# An air-gapped install from a signed bundle: kha-bundle packs stand-in
# kube binaries, kha-install verifies the bundle and copies each binary to
# the path the answer file names; a bundle signed by an untrusted key, or
# --offline with an artifact missing, is refused before anything is written.
set -euo pipefail
install="$KHA_BIN/kha-install"
bundler="$KHA_BIN/kha-bundle"
answers="$KHA_SOURCE_DIR/examples/answers.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
new_root() {
  mkdir -p "$work/$1/etc"
  printf 'ID=ubuntu\nVERSION_ID="16.04"\n' >"$work/$1/etc/os-release"
  echo "$work/$1"
}

mkdir -p "$work/artifacts/bin"
binaries=(etcd flanneld kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
for name in "${binaries[@]}"; do
  printf '#!/bin/sh\necho "%s stand-in"\n' "$name" >"$work/artifacts/bin/$name"
  chmod 755 "$work/artifacts/bin/$name"
done
"$bundler" keygen "$work/key" >/dev/null
"$bundler" create --key "$work/key" --out "$work/full.bundle" "$work/artifacts" >/dev/null
"$bundler" keygen "$work/other" >/dev/null

# Trusted: every binary lands where the answer file says, runnable.
root=$(new_root trusted)
"$install" --quiet --root "$root" --node infra0 --bundle "$work/full.bundle" \
  --trusted-key "$work/key.pub" "$answers"
for name in "${binaries[@]}"; do
  path="$root/opt/bin/$name"
  [ -x "$path" ] || fail "$name not installed at /opt/bin"
  [ "$("$path")" = "$name stand-in" ] || fail "$name content differs from the bundle"
done

# Untrusted signer: exit 2, nothing written.
root=$(new_root untrusted)
set +e
"$install" --root "$root" --node infra0 --bundle "$work/full.bundle" \
  --trusted-key "$work/other.pub" "$answers" >"$work/out" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || { cat "$work/out"; fail "untrusted bundle: exit $code"; }
grep -q "signed by key" "$work/out" || { cat "$work/out"; fail "no signer in the message"; }
[ "$(find "$root" -type f | wc -l)" -eq 1 ] || fail "an untrusted bundle wrote files"

# --offline with kubelet missing from the bundle: named, exit 2, nothing written.
rm "$work/artifacts/bin/kubelet"
"$bundler" create --key "$work/key" --out "$work/partial.bundle" "$work/artifacts" >/dev/null
root=$(new_root offline)
set +e
"$install" --offline --root "$root" --node infra0 --bundle "$work/partial.bundle" \
  --trusted-key "$work/key.pub" "$answers" >"$work/out" 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || { cat "$work/out"; fail "offline with a missing artifact: exit $code"; }
grep -q "kubelet" "$work/out" || { cat "$work/out"; fail "the missing artifact is not named"; }
[ "$(find "$root" -type f | wc -l)" -eq 1 ] || fail "a refused offline install wrote files"
echo "PASS: bundle install, untrusted signer and offline refusal"
