#!/usr/bin/env bash
# The fault run: the load test's generator and read_committed verifier against three workers on
# a three-broker cluster (deploy/compose-cluster.yaml: replication 3, min.insync.replicas 2,
# six input partitions), while the cluster is broken, each fault --rounds times:
#   leader        kill -9 of the broker leading featurex.images-0, started again 10 s later
#   coordinator   kill -9 of the transaction coordinator of a worker's transactional id, while
#                 that worker has a transaction with records written and not committed
#   freeze        a worker frozen for 15 s inside such a transaction, past its session timeout and
#                 transaction.timeout.ms (both 10 s), then resumed: a zombie, which must be fenced
#   cut-off       a worker inside such a transaction disconnected from the brokers' network for
#                 15 s, past transaction.timeout.ms, then reconnected
#   worker-kill   kill -9 of a worker inside such a transaction, started again
#   rolling       a rolling restart of the three brokers (docker restart, one at a time, each
#                 back in sync before the next); last, as it takes longest
# "Such a transaction" is caught by `featurex-loadtest cluster catch-written`: it freezes a worker
# through its cgroup, asks the admin API while it is frozen whether the worker's ongoing
# transaction has records in the output topic's log, and thaws it and tries again if not. Once
# healed, `cluster outcome` reads how that transaction ended: a commit the worker had sent just
# before the freeze still goes through, and such a freeze, cut-off or kill exercised no abort, so
# it is done again (up to three times; each attempt is its own event).
# Then: per fault, how long no output came at all (the load test's pause after each event), the
# records of aborted transactions on the output topic (read_uncommitted minus read_committed),
# and one line: inputs, outputs, lost, duplicated. Exit 0 only if nothing was lost or duplicated
# and at least three aborted records per round are there (the freeze, the cut-off and the kill
# each leave written records to abort; the coordinator's transaction goes on and commits), and
# no worker process stopped without being killed (a fenced zombie carries on with a new producer).
#
#   loadtest/chaos.sh [--rounds N] [--rate R] [--count N]     (default 1 round, 10/s, 6000: sending outlasts a round)
#
# Needs the images deploy/images.sh builds (featurex:cpu, apache/kafka:<version>) and Compose;
# all traffic stays on this machine (the stack's own network and 127.0.0.1).
set -eEuo pipefail
cd "$(dirname "$0")/.."

rounds=1 rate=10 count=6000
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=${2:?}; shift ;;
    --rate) rate=${2:?}; shift ;;
    --count) count=${2:?}; shift ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

project=featurex-chaos
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -p "$project" -f deploy/compose-cluster.yaml)
else
  compose=(docker-compose -p "$project" -f deploy/compose-cluster.yaml)
fi
bootstrap=localhost:${FEATUREX_CLUSTER_KAFKA_1_PORT:-39191},localhost:${FEATUREX_CLUSTER_KAFKA_2_PORT:-39192},localhost:${FEATUREX_CLUSTER_KAFKA_3_PORT:-39193}
work=$(mktemp -d /tmp/featurex-chaos.XXXXXX)
events=$work/events
started=$SECONDS
loadtest_pid=

say() { printf 'chaos %4ds: %s\n' $((SECONDS - started)) "$*"; }
finish() {
  local rc=$?
  trap - ERR
  [ -n "$loadtest_pid" ] && kill "$loadtest_pid" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    echo "chaos: FAILED; the workers' last log lines:" >&2
    "${compose[@]}" logs --no-color --tail 30 worker-1 worker-2 worker-3 >&2 || true
    # Whole, kept with the run (a restarted worker's log holds both processes), and why any worker
    # stopped on its own: its error line and the causes under it, or the JVM's last word.
    for w in worker-1 worker-2 worker-3; do
      docker logs "$(container "$w")" > "$work/$w.log" 2>&1 || true
      grep -s -A60 -E 'worker failed|Terminating due to|A fatal error has been detected' "$work/$w.log" \
        | grep -E 'worker failed|Terminating due to|A fatal error|^Caused by|^\s+Suppressed' \
        | head -12 | sed "s/^/chaos: $w: /" >&2 || true
    done
    # Last, so that a log's tail shows why.
    grep -hs 'FAILED' "$work/verdict" >&2 || true
    [ -z "$failed" ] || echo "chaos: FAILED at $failed" >&2
    echo "chaos: the run's files are kept in $work" >&2
  fi
  # A worker the probe left frozen would not die of the stop's signals until thawed.
  for w in worker-1 worker-2 worker-3; do probe thaw --pid "$(pid_of "$w")" >/dev/null 2>&1 || true; done
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  [ $rc -eq 0 ] && rm -rf "$work"
  exit $rc
}
failed=
trap 'failed="line $LINENO: $BASH_COMMAND (exit $?)"' ERR
trap finish EXIT

probe() { java -cp loadtest/target/featurex-loadtest.jar io.featurex.loadtest.Main cluster "$@"; }
cluster() { probe "$@" --bootstrap-servers "$bootstrap"; }
pid_of() { docker inspect --format '{{.State.Pid}}' "$(container "$1")"; }
# A worker frozen inside a transaction with records written and not committed (the probe's line
# says whose, and from which offsets); --then kill|leave.
catch_written() {
  local args=() w
  for w in worker-1 worker-2 worker-3; do args+=(--worker "featurex-$w=$(pid_of "$w")"); done
  cluster catch-written "${args[@]}" --topic featurex.features --timeout 120s --settle 1s "$@" | tr '\n' ' ' | sed 's/ $//'
}
victim_of() { local v=${1%% *}; echo "${v#featurex-}"; }
# How the caught transaction ended, read_committed, once healed: a freeze cannot stop a commit the
# coordinator had already accepted, and such a catch exercised no abort.
outcome_of() {
  local record
  record=$(sed -E 's/.*records from \{([^,}]+).*/\1/' <<<"$1")
  cluster outcome --record "$record"
}
# A fault on a caught transaction, done again (up to 3 times) while the transaction it caught
# committed all the same; every attempt is an event of its own.
until_aborted() {
  local fault=$1 attempt outcome
  for attempt in 1 2 3; do
    "$fault" "$attempt"
    outcome=$(outcome_of "$caught")
    say "  its transaction: $outcome"
    echo "$fault $outcome" >> "$work/outcomes"
    [ "$outcome" = aborted ] && return 0
  done
  echo "chaos: FAILED: $fault: every caught transaction committed all the same" >&2
  return 1
}
container() { "${compose[@]}" ps -q "$1"; }
event() { echo "$(date +%s%3N) $*" >> "$events"; say "$*"; }
await_healthy() {
  local c health
  c=$(container "$1")
  for _ in $(seq 90); do
    health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$c")
    [ "$health" = healthy ] && return 0
    sleep 2
  done
  echo "chaos: $1 is $health" >&2
  return 1
}

# Between faults: every broker and worker up, every partition (Kafka's own too) with all its
# replicas in sync, then a few seconds of normal flow, so that each fault is a single one.
healed() {
  for s in kafka-1 kafka-2 kafka-3 worker-1 worker-2 worker-3; do await_healthy "$s"; done
  cluster await-replicated --timeout 180s
  sleep 10
}

[ -f loadtest/target/featurex-loadtest.jar ] || loadtest/run --version >/dev/null
"${compose[@]}" up -d --quiet-pull 2>&1 | sed 's/^/  /'
for s in kafka-1 kafka-2 kafka-3 worker-1 worker-2 worker-3; do await_healthy "$s"; done
say "cluster and workers healthy"
: > "$events"

loadtest/run run --bootstrap-servers "$bootstrap" --rate "$rate" --count "$count" --generate 16 \
  --generated-dir "$work/images" --inline --events-file "$events" --pause-window 60s \
  --drain-timeout 300s --grace 5s --progress 10s --out "$work/report" \
  --note "fault run: $rounds round(s) of leader, coordinator, freeze, cut-off, worker-kill, rolling" \
  > "$work/loadtest.out" 2>&1 &
loadtest_pid=$!
sleep 20

again() { [ "$1" -gt 1 ] && echo " (attempt $1)" || true; }
freeze() {
  caught=$(catch_written --then leave)
  victim=$(victim_of "$caught")
  event "r$round freeze$(again "$1"): $victim frozen 15 s (session timeout 10 s, transaction.timeout.ms 10 s): $caught"
  sleep 15
  probe thaw --pid "$(pid_of "$victim")"
  healed
}
cut_off() {
  caught=$(catch_written --then leave)
  victim=$(victim_of "$caught")
  docker network disconnect "$network" "$(container "$victim")"
  probe thaw --pid "$(pid_of "$victim")"
  event "r$round cut-off$(again "$1"): $victim off the network 15 s (transaction.timeout.ms 10 s): $caught"
  sleep 15
  docker network connect --alias "$victim" "$network" "$(container "$victim")"
  healed
}
worker_kill() {
  caught=$(catch_written --then kill)
  victim=$(victim_of "$caught")
  event "r$round worker-kill$(again "$1"): kill -9 $victim, frozen while $caught"
  kills=$((kills + 1))
  sleep 3
  docker start "$(container "$victim")" >/dev/null
  healed
}

kills=0
network=$(docker inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$(container worker-3)")
for round in $(seq "$rounds"); do
  leader=$(cluster leader --topic featurex.images --partition 0)
  event "r$round leader: kill -9 kafka-$leader (leads featurex.images-0)"
  docker kill -s KILL "$(container "kafka-$leader")" >/dev/null
  sleep 10
  docker start "$(container "kafka-$leader")" >/dev/null
  healed

  # Each of the next four faults lands on a worker caught inside a transaction whose records are
  # in the log and not committed: frozen by the probe itself (the cgroup freezer, checked while
  # frozen), so that the abort or the completion of written records is what gets exercised.
  caught=$(catch_written --then leave)
  victim=$(victim_of "$caught")
  coordinator=$(cluster coordinator --transactional-id "featurex-$victim")
  docker kill -s KILL "$(container "kafka-$coordinator")" >/dev/null
  event "r$round coordinator: kill -9 kafka-$coordinator, coordinator of $caught"
  probe thaw --pid "$(pid_of "$victim")"
  sleep 10
  docker start "$(container "kafka-$coordinator")" >/dev/null
  healed
  say "  its transaction: $(outcome_of "$caught") (either is right: the worker was thawed at once)"

  until_aborted freeze
  until_aborted cut_off
  until_aborted worker_kill
  event "r$round rolling: brokers restarted one by one"
  for n in 1 2 3; do
    docker restart -t 30 "$(container "kafka-$n")" >/dev/null
    await_healthy "kafka-$n"
    cluster await-replicated --timeout 180s
  done
  healed

done
say "faults done; waiting for the load test to finish"
rc=0
wait "$loadtest_pid" || rc=$?
loadtest_pid=
sed 's/^/  /' "$work/loadtest.out" | grep -v '^  \[' || true

aborted=$(cluster aborted --topic featurex.features)
say "output topic: $aborted"
# Each worker process logs this line once as it starts: three, plus one per kill. More means a
# worker stopped on its own (a fenced zombie must carry on with a new producer, not exit).
starts=0
for w in worker-1 worker-2 worker-3; do
  n=$(docker logs "$(container "$w")" 2>&1 | grep -c 'consuming featurex.images' || true)
  starts=$((starts + n))
  docker logs "$(container "$w")" 2>&1 | grep -E 'worker failed|a new one of the same transactional id' | sed "s/^/  $w: /" || true
done
say "worker processes started: $starts (3, plus the $kills kill(s))"
python3 - "$work/report/report.json" "$aborted" "$rc" "$rounds" "$starts" "$kills" <<'PY' | tee "$work/verdict"
import json, sys
report = json.load(open(sys.argv[1]))
aborted = int(sys.argv[2].split()[-1])
loadtest_rc = int(sys.argv[3])
rounds = int(sys.argv[4])
starts = int(sys.argv[5])
kills = int(sys.argv[6])
print("  %-10s %-12s %s" % ("no output", "a partition", "fault (pauses over the 60 s after it)"))
for e in report["events"]:
    print("  %8.1f s %10.1f s %s" % (e["pause_ms"] / 1000, e["partition_pause_ms"] / 1000, e["label"]))
s = report["summary"]
print("inputs %d, outputs %d, lost %d, duplicated %d, aborted records %d" % (
    s["sent"], s["completed"], s["lost"], s["duplicated"], aborted))
ok = loadtest_rc == 0 and s["lost"] == 0 and s["duplicated"] == 0
if starts != 3 + kills:
    print("chaos: FAILED: %d worker processes started, not 3 + %d: a worker stopped without being killed"
          % (starts, kills))
    ok = False
if aborted < 3 * rounds:
    print("chaos: FAILED: %d aborted records on the output topic, fewer than the %d that %d round(s) "
          "of freeze, cut-off and worker-kill inside written transactions leave" % (aborted, 3 * rounds, rounds))
    ok = False
sys.exit(0 if ok else 1)
PY
say "PASS"
