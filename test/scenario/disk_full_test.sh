#!/usr/bin/env bash
# capsyncd with its state_dir on a file system that fills up (a 3 MB tmpfs, in a private mount
# namespace): it must not die (it used to exit, and crash with SIGBUS as it went, on "database
# or disk is full"), keep answering capsyncctl with the pause and its cause, and resume by
# itself once the file system has room again, the sync then finishing without losing anything.
# Needs root (mount); skipped with a message where mounting is impossible.
# Usage: disk_full_test.sh CAPSYNCD CAPSYNCCTL SANDBOX
set -uo pipefail
capsyncd=$1 capsyncctl=$2 sandbox=$3
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -f "$work/capsyncd.log" ] && tail -n 30 "$work/capsyncd.log"; exit 1; }

unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"' \
  2>/dev/null || skip "cannot mount a tmpfs in a private mount namespace (needs root and unshare)"

work=$(mktemp -d /tmp/capsync-diskfull.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# Polls the command until it succeeds, up to $1 seconds.
wait_for() {
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}

# Many Capsule parties (their mirror fills 3 MB within the first pages), few contacts (the
# sync finishes quickly within KashFlow's request limit once space is back).
"$sandbox" generate --provider kashflow --seed 7 --parties 3000 --contacts 12 --invoices 24 --currencies GBP \
  >"$work/seed.json" || fail "cannot generate the data set"

# Starts a fresh sandbox on the data set and writes a config for state_dir $1 into $1.yaml;
# the sandbox's URL in $base.
setup() {
  local run=$1
  mkdir -p "$run/state"
  "$sandbox" --listen 127.0.0.1:0 --seed "$work/seed.json" >"$run/sandbox.url" 2>"$run/sandbox.log" &
  pids+=($!)
  wait_for 20 test -s "$run/sandbox.url" || fail "the sandbox did not start"
  base=$(head -n 1 "$run/sandbox.url")
  cat >"$run.yaml" <<EOC
state_dir: $run/state
admin_socket: $run/admin.sock
connections:
  - name: full
    capsule:
      base_url: $base/capsule
      token_file: $work/capsule-token
    accounting:
      provider: kashflow
      base_url: $base/kashflow/v2
      username: $(jq -r '.kashflow.users[0].username' "$work/seed.json")
      password_file: $work/kashflow-password
      memorable_word_file: $work/kashflow-memorable-word
EOC
}
umask 077
jq -r '.capsule.tokens[0]' "$work/seed.json" >"$work/capsule-token"
jq -r '.kashflow.users[0].password' "$work/seed.json" >"$work/kashflow-password"
jq -r '.kashflow.users[0].memorableWord' "$work/seed.json" >"$work/kashflow-memorable-word"
settled() {
  "$capsyncctl" --socket "$1/admin.sock" --json status | jq -e '.paused == null and
    .connections[0].last_sync.ok == true and .connections[0].queue.ready == 0 and
    .connections[0].queue.running == 0 and .connections[0].queue.dead == 0'
}
# What a sync left on both sides: links and parties created, Capsule's parties by name, contacts.
outcome() {
  "$capsyncctl" --socket "$1/admin.sock" --json status | jq -c '.connections[0].counts | {linked, created}'
  curl -sS "$2/_admin/state" | jq -c '[.capsule.parties[] | .name // (.firstName + " " + .lastName)] | sort'
  curl -sS "$2/_admin/state" | jq -c '[.kashflow.customers[] | .Name] | sort'
}

# The reference: the same first sync with room to spare.
setup "$work/roomy"
"$capsyncd" --config "$work/roomy.yaml" >"$work/roomy.log" 2>&1 &
pids+=($!)
wait_for 180 settled "$work/roomy" || fail "the reference sync did not finish"
expected=$(outcome "$work/roomy" "$base")

setup "$work/full"
state=$work/full/state
unshare -m --propagation private sh -c 'mount -t tmpfs -o size=3m tmpfs "$1" && exec "$2" --config "$3"' \
  sh "$state" "$capsyncd" "$work/full.yaml" >"$work/capsyncd.log" 2>&1 &
daemon=$!
pids+=($daemon)
ctl() { "$capsyncctl" --socket "$work/full/admin.sock" "$@"; }
paused() { ctl --json status | jq -e '.paused | test("the disk is full")'; }

end=$((SECONDS + 60))
until paused >/dev/null 2>&1; do
  kill -0 "$daemon" 2>/dev/null || { wait "$daemon"; fail "capsyncd died on the full disk (exit status $?)"; }
  [ $SECONDS -lt $end ] || fail "status never said that syncing is paused for a full disk"
  sleep 0.2
done
kill -0 "$daemon" 2>/dev/null || fail "capsyncd died on the full disk"
ctl status | grep -q "syncing paused (disk full)" || fail "capsyncctl status does not show the pause"
grep -q "Failed to write $state/capsync.db: the disk is full" "$work/capsyncd.log" ||
  fail "the journal does not name the file and the cause"

nsenter -t "$daemon" -m mount -o remount,size=64m "$state" || fail "cannot give the file system room again"
wait_for 30 grep -q "has room again; syncing resumes" "$work/capsyncd.log" || fail "syncing did not resume"
wait_for 180 settled "$work/full" || { ctl status; fail "the sync did not finish after space came back"; }
kill -0 "$daemon" 2>/dev/null || fail "capsyncd died"
# Nothing lost, nothing doubled: both sides end as after the sync that had room.
actual=$(outcome "$work/full" "$base")
[ "$actual" = "$expected" ] || fail "the end state differs from a sync with room: expected $expected, got $actual"
echo "ok: paused on the full disk, resumed, and ended as a sync with room: $(head -n 1 <<<"$actual")"
