#!/usr/bin/env bash
# The shipped alert rules: promtool accepts them, and each alert fires (and stays quiet) as
# capsync-alerts-test.yml expects. Usage: rules_test.sh SOURCE_DIR
set -euo pipefail
src=$1
command -v promtool >/dev/null || { echo "promtool is missing: run scripts/setup (Debian package prometheus)" >&2; exit 1; }
promtool check rules "$src/etc/prometheus/capsync-alerts.yml"
# Every alert of the rules has a unit test.
alerts=$(grep -oE '^ *- alert: [A-Za-z]+' "$src/etc/prometheus/capsync-alerts.yml" | awk '{print $3}' | sort -u)
tested=$(grep -oE '^ *alertname: [A-Za-z]+' "$src/test/monitoring/capsync-alerts-test.yml" | awk '{print $2}' | sort -u)
missing=$(comm -23 <(echo "$alerts") <(echo "$tested"))
[ -z "$missing" ] || { echo "alerts without a unit test: $missing" >&2; exit 1; }
cd "$src/test/monitoring"
promtool test rules capsync-alerts-test.yml
