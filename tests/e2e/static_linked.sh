#!/usr/bin/env bash
# The release executables (make build) are fully static, stripped, and
# kha-install with its payload stays within 8 MB.
set -euo pipefail

if [ -z "${KHA_STATIC_BIN:-}" ]; then
  echo "SKIP: KHA_STATIC_BIN is unset (make test sets it to the static build)"
  exit 77
fi
for program in kha-install kha-proxy kha-proxyctl; do
  path="$KHA_STATIC_BIN/$program"
  [ -x "$path" ] || { echo "FAIL: $path is missing"; exit 1; }
  description="$(file -b "$path")"
  case "$description" in
    *"statically linked"*"stripped"*) echo "$program: $(stat -c %s "$path") bytes, $description" ;;
    *) echo "FAIL: $program: $description"; exit 1 ;;
  esac
  # No interpreter and no dynamic section: nothing for ld.so to load.
  if readelf -l "$path" | grep -q INTERP; then echo "FAIL: $program asks for an interpreter"; exit 1; fi
done

size=$(stat -c %s "$KHA_STATIC_BIN/kha-install")
limit=$((8 * 1024 * 1024))
[ "$size" -le "$limit" ] || { echo "FAIL: kha-install is $size bytes, over $limit"; exit 1; }
timeout 60 "$KHA_STATIC_BIN/kha-install" --check
echo "static_linked: ok"
