#!/usr/bin/env bash
# Drives etc/completion/capsyncctl.bash the way bash does on <Tab> and checks what it offers:
# commands, options per command, and the connection names of the config.
# Usage: bash_completion_test.sh SOURCE_DIR
set -uo pipefail
source "$(dirname "$0")/completion_driver.sh" "$1"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/capsync.yaml" <<'YAML'
connections:
  # the first connection
  - name: acme
    capsule:
      token_file: /nonexistent
  - name: "beta-2"
    accounting:
      provider: sage
YAML

failed=0
expect() {  # expect WORD ARGS...: WORD is offered
  local got
  got=$(offered "${@:2}")
  [[ " $got " == *" $1 "* ]] || { echo "FAIL: completing '${*:2}' offers '$got', without '$1'"; failed=1; }
}
expect_not() {
  local got
  got=$(offered "${@:2}")
  [[ " $got " != *" $1 "* ]] || { echo "FAIL: completing '${*:2}' offers '$1': '$got'"; failed=1; }
}

for command in status sync-now plan jobs conflicts export connect disable enable; do expect $command capsyncctl ""; done
expect sync-now capsyncctl sy
expect_not status capsyncctl sy
expect --json capsyncctl --
expect --version capsyncctl --
expect --full capsyncctl sync-now --
expect --wait capsyncctl sync-now --
expect --manual capsyncctl connect --
expect --all capsyncctl plan --
expect show capsyncctl jobs ""
expect --dead capsyncctl jobs --
expect --all-dead capsyncctl jobs retry --
expect resolve capsyncctl conflicts ""
expect --link capsyncctl conflicts resolve 3 --
expect --ignore capsyncctl conflicts resolve 3 --
# Connection names from the config given with --config, before or after the command.
expect acme capsyncctl --config "$tmp/capsync.yaml" sync-now ""
expect beta-2 capsyncctl --config "$tmp/capsync.yaml" sync-now ""
expect acme capsyncctl disable --config "$tmp/capsync.yaml" ""
expect beta-2 capsyncctl --config "$tmp/capsync.yaml" jobs --connection ""
expect_not sage capsyncctl --config "$tmp/capsync.yaml" export ""
# Global options keep completing after the command.
expect --socket capsyncctl status --
exit $failed
