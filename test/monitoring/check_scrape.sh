#!/usr/bin/env bash
# A scrape of capsyncd's /metrics passes `promtool check metrics`, and every capsync metric the
# Grafana dashboard and the alert rules name is in it. Usage: check_scrape.sh SCRAPE SOURCE_DIR
set -euo pipefail
scrape=$1
src=$2
command -v promtool >/dev/null || { echo "promtool is missing: run scripts/setup (Debian package prometheus)" >&2; exit 1; }
promtool check metrics <"$scrape"
present=$(grep -v '^#' "$scrape" | grep -oE '^[a-zA-Z_:][a-zA-Z0-9_:]*' | sort -u)
named=$({ jq -r '.panels[].targets[].expr' "$src/etc/grafana/capsync.json"
          grep -E '^ *expr:|^ *(and|or|min_over_time|max_over_time)' "$src/etc/prometheus/capsync-alerts.yml"; } |
        grep -oE 'capsync_[a-z0-9_]+' | sort -u)
[ -n "$named" ] || { echo "no capsync metric named in the dashboard or the rules" >&2; exit 1; }
missing=$(comm -23 <(echo "$named") <(echo "$present"))
[ -z "$missing" ] || { echo "named in the dashboard or the rules but not in the scrape: $missing" >&2; exit 1; }
echo "$(echo "$named" | wc -l) metrics named in the dashboard and the rules are in the scrape"
