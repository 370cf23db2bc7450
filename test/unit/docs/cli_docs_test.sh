#!/usr/bin/env bash
# Every option and command that capsyncd and capsyncctl accept (read from their --help, command
# by command) is in their man page, and capsyncctl's are offered by its bash completion.
# Usage: cli_docs_test.sh CAPSYNCD CAPSYNCCTL SOURCE_DIR
set -uo pipefail
capsyncd=$1 capsyncctl=$2 src=$3
source "$(dirname "$0")/completion_driver.sh" "$src"

# The man page as text: "\-\-full" and "\fBstatus\fR" read as "--full" and "status".
man_text() { sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(em/-/g' "$1"; }
# The long options and the subcommands of a --help text.
options() { sed -n '/^Options:/,/^$/p' | grep -oE '^  (-h,)?--[a-z][a-z-]*' | sed 's/^  \(-h,\)\{0,1\}//'; }
subcommands() { sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'; }

failed=0
fail() { echo "FAIL: $*"; failed=1; }

daemon_man=$(man_text "$src/etc/man/capsyncd.8")
for o in $("$capsyncd" --help | options); do
  grep -qe "$o" <<<"$daemon_man" || fail "capsyncd $o is not in capsyncd(8)"
done

ctl_man=$(man_text "$src/etc/man/capsyncctl.8")
# check PATH...: the options and subcommands of `capsyncctl PATH... --help`, then each subcommand's.
check() {
  local help o sub
  help=$("$capsyncctl" "$@" --help) || { fail "capsyncctl $* --help failed"; return; }
  for o in $(options <<<"$help"); do
    [[ $o == --help ]] && continue
    grep -qe "$o" <<<"$ctl_man" || fail "capsyncctl $* $o is not in capsyncctl(8)"
    [[ " $(offered capsyncctl "$@" --) " == *" $o "* ]] || fail "completing 'capsyncctl $* --' does not offer $o"
  done
  for sub in $(subcommands <<<"$help"); do
    grep -qwe "$sub" <<<"$ctl_man" || fail "capsyncctl $* $sub is not in capsyncctl(8)"
    [[ " $(offered capsyncctl "$@" "") " == *" $sub "* ]] || fail "completing 'capsyncctl $* ' does not offer $sub"
    check "$@" "$sub"
  done
}
check
exit $failed
