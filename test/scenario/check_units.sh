#!/usr/bin/env bash
# Checks systemd/capsync.service and capsync@.service: `systemd-analyze verify` reports
# nothing, and the offline security exposure stays below 2.0.
# Usage: check_units.sh SYSTEMD_DIR CAPSYNCD_BINARY
set -euo pipefail
units=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify needs ExecStart to exist: point it at the built binary.
sed "s|/usr/bin/capsyncd|$binary|g" "$units/capsync.service" > "$work/capsync.service"
sed "s|/usr/bin/capsyncd|$binary|g" "$units/capsync@.service" > "$work/capsync@check.service"
status=0
for unit in capsync.service capsync@check.service; do
  # --man=no: Documentation= names pages a build machine has not installed (etc/man holds them).
  out=$(cd "$work" && systemd-analyze verify --man=no "./$unit" 2>&1) || status=1
  if [ -n "$out" ]; then
    echo "systemd-analyze verify $unit:"; echo "$out"; status=1
  fi
  line=$(cd "$work" && systemd-analyze security --offline=yes "./$unit" 2>&1 | grep 'Overall exposure level')
  score=$(echo "$line" | sed -E 's/.*: ([0-9.]+) .*/\1/')
  echo "$unit exposure $score"
  awk -v s="$score" 'BEGIN { exit !(s < 2.0) }' || { echo "$unit: exposure $score is not below 2.0"; status=1; }
done
exit $status
