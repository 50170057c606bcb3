#!/bin/sh
# make demo: the main job on the embedded example. Every node of the answer
# file is installed with --root into its own folder (as if it were that
# node's /), infra-style nodes alternating Ubuntu 16.04 (systemd) and 14.04
# (upstart), then a rerun shows that nothing changes.
# Usage: tools/demo.sh KHA_INSTALL ANSWERS OUTPUT_DIR
set -eu
installer=$1
answers=$2
out=$3

rm -rf "$out"
mkdir -p "$out"
echo "kha demo: $answers → $out/<node>/"
echo
"$installer" nodes "$answers"

index=0
for node in $("$installer" nodes "$answers" | awk '{print $1}'); do
  root="$out/$node"
  mkdir -p "$root/etc"
  if [ $((index % 2)) -eq 0 ]; then
    printf 'NAME="Ubuntu"\nVERSION="16.04.7 LTS (Xenial Xerus)"\nID=ubuntu\nPRETTY_NAME="Ubuntu 16.04.7 LTS"\nVERSION_ID="16.04"\nVERSION_CODENAME=xenial\n' >"$root/etc/os-release"
  else
    printf 'NAME="Ubuntu"\nVERSION="14.04.6 LTS, Trusty Tahr"\nID=ubuntu\nPRETTY_NAME="Ubuntu 14.04.6 LTS"\nVERSION_ID="14.04"\n' >"$root/etc/os-release"
  fi
  echo
  "$installer" --root "$root" --node "$node" "$answers"
  index=$((index + 1))
done

echo
echo "==> second run of the first node: nothing may change"
first=$("$installer" nodes "$answers" | awk 'NR == 1 {print $1}')
"$installer" --root "$out/$first" --node "$first" "$answers"

echo
echo "==> summary"
for root in "$out"/*/; do
  node=$(basename "$root")
  count=$(find "$root" -type f ! -path '*/var/lib/kha/*' ! -name os-release | wc -l)
  echo "$node: $count files"
  (cd "$root" && find . -type f ! -path './var/lib/kha/*' ! -name os-release | sort | sed 's|^\.|    |')
done
echo
echo "Look inside: $out/<node>/etc/default/etcd, $out/<node>/etc/kha/pound.cfg, ..."
