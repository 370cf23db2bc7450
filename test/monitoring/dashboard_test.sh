#!/usr/bin/env bash
# Every PromQL expression of the Grafana dashboard parses: they become recording rules of a
# generated rules file that `promtool check rules` reads (Grafana's $variables replaced as
# Grafana would expand them). Usage: dashboard_test.sh SOURCE_DIR
set -euo pipefail
src=$1
command -v promtool >/dev/null || { echo "promtool is missing: run scripts/setup (Debian package prometheus)" >&2; exit 1; }
dashboard="$src/etc/grafana/capsync.json"
jq -e '.panels | length > 0' "$dashboard" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=$(jq '[.panels[].targets[].expr] | length' "$dashboard")
[ "$count" -gt 0 ] || { echo "no expressions in $dashboard" >&2; exit 1; }
{
  echo "groups:"
  echo "  - name: dashboard"
  echo "    rules:"
  jq -r '.panels[].targets[].expr' "$dashboard" | sed -e 's/\$__rate_interval/5m/g' -e 's/\$connection/.*/g' |
    awk '{ gsub(/\047/, "\047\047"); printf "      - record: capsync:dashboard_expr_%d\n        expr: \047%s\047\n", NR, $0 }'
} >"$work/dashboard-rules.yml"
if grep -q '\$' "$work/dashboard-rules.yml"; then
  echo "a dashboard expression uses a variable this test does not expand:" >&2
  grep '\$' "$work/dashboard-rules.yml" >&2
  exit 1
fi
promtool check rules "$work/dashboard-rules.yml"
echo "$count dashboard expressions parse"
