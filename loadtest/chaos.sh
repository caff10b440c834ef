#!/usr/bin/env bash
# The fault run: the load test's generator and read_committed verifier against three workers on
# a three-broker cluster (deploy/compose-cluster.yaml: replication 3, min.insync.replicas 2,
# six input partitions), while the cluster is broken, each fault --rounds times:
#   leader        kill -9 of the broker leading featurex.images-0, started again 10 s later
#   coordinator   kill -9 of the transaction coordinator of a worker's transactional id, while
#                 that worker has a transaction open with records written (asked of the admin API)
#   freeze        worker-2 paused past its session timeout (10 s) for 15 s, then resumed: a
#                 zombie, which must be fenced
#   cut-off       a worker with a transaction open disconnected from the brokers' network for 15 s, longer than
#                 transaction.timeout.ms (10 s), mid-transaction, then reconnected
#   worker-kill   kill -9 of a worker frozen inside an open transaction (up to 5 tries to catch
#                 one whose records are already in the log), started again
#   rolling       a rolling restart of the three brokers (docker restart, one at a time, each
#                 back in sync before the next); last, as it takes longest
# Then: per fault, how long no output came at all (the load test's pause after each event), the
# records of aborted transactions on the output topic (read_uncommitted minus read_committed: the
# kills really left some), and one line: inputs, outputs, lost, duplicated. Exit 0 only if nothing
# was lost or duplicated (no aborted record is a warning: see the worker-kill fault).
#
#   loadtest/chaos.sh [--rounds N] [--rate R] [--count N]     (default 1 round, 10/s, 5000: sending outlasts a round)
#
# Needs the images deploy/images.sh builds (featurex:cpu, apache/kafka:<version>) and Compose;
# all traffic stays on this machine (the stack's own network and 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=1 rate=10 count=5000
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
  [ -n "$loadtest_pid" ] && kill "$loadtest_pid" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    echo "chaos: FAILED; the workers' last log lines:" >&2
    "${compose[@]}" logs --no-color --tail 30 worker-1 worker-2 worker-3 >&2 || true
  fi
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  [ $rc -eq 0 ] && rm -rf "$work"
  exit $rc
}
trap finish EXIT

cluster() { java -cp loadtest/target/featurex-loadtest.jar io.featurex.loadtest.Main cluster "$@" --bootstrap-servers "$bootstrap"; }
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

transactional_ids=featurex-worker-1,featurex-worker-2,featurex-worker-3
network=$(docker inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$(container worker-3)")
for round in $(seq "$rounds"); do
  leader=$(cluster leader --topic featurex.images --partition 0)
  event "r$round leader: kill -9 kafka-$leader (leads featurex.images-0)"
  docker kill -s KILL "$(container "kafka-$leader")" >/dev/null
  sleep 10
  docker start "$(container "kafka-$leader")" >/dev/null
  healed

  # Whichever worker has a transaction open first; the coordinator is looked up after, so the
  # kill may land just after that transaction ends (the event line says which it was).
  open=$(cluster await-open --transactional-id "$transactional_ids" --topic featurex.features --timeout 60s)
  coordinator=$(cluster coordinator --transactional-id "${open%% *}")
  docker kill -s KILL "$(container "kafka-$coordinator")" >/dev/null
  event "r$round coordinator: kill -9 kafka-$coordinator (coordinates $open)"
  sleep 10
  docker start "$(container "kafka-$coordinator")" >/dev/null
  healed

  event "r$round freeze: worker-2 paused 15 s (session timeout 10 s)"
  docker pause "$(container worker-2)" >/dev/null
  sleep 15
  docker unpause "$(container worker-2)" >/dev/null
  healed

  open=$(cluster await-open --transactional-id "$transactional_ids" --topic featurex.features --timeout 60s)
  cut=${open%% *}
  cut=${cut#featurex-}
  docker network disconnect "$network" "$(container "$cut")"
  event "r$round cut-off: $cut off the network 15 s (transaction.timeout.ms 10 s; $open)"
  sleep 15
  docker network connect --alias "$cut" "$network" "$(container "$cut")"
  healed

  # Frozen inside its transaction, then killed only if records of it are in the log (offsets
  # past the last stable one): the abort of written records is what must be exercised.
  for try in $(seq 5); do
    open=$(cluster await-open --transactional-id "$transactional_ids" --topic featurex.features --timeout 60s)
    victim=${open%% *}
    victim=${victim#featurex-}
    docker pause "$(container "$victim")" >/dev/null
    sleep 1
    written=$(cluster uncommitted --topic featurex.features)
    [ "$written" -gt 0 ] && break
    docker unpause "$(container "$victim")" >/dev/null
  done
  docker kill -s KILL "$(container "$victim")" >/dev/null
  event "r$round worker-kill: kill -9 $victim ($open; $written records written, not committed; try $try)"
  sleep 3
  docker start "$(container "$victim")" >/dev/null
  healed
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
python3 - "$work/report/report.json" "$aborted" "$rc" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
aborted = int(sys.argv[2].split()[-1])
loadtest_rc = int(sys.argv[3])
print("  %-10s %-12s %s" % ("no output", "a partition", "fault (pauses over the 60 s after it)"))
for e in report["events"]:
    print("  %8.1f s %10.1f s %s" % (e["pause_ms"] / 1000, e["partition_pause_ms"] / 1000, e["label"]))
s = report["summary"]
print("inputs %d, outputs %d, lost %d, duplicated %d, aborted records %d" % (
    s["sent"], s["completed"], s["lost"], s["duplicated"], aborted))
ok = loadtest_rc == 0 and s["lost"] == 0 and s["duplicated"] == 0
if aborted <= 0:
    # Not a failure, yet: a docker pause lands about 50 ms after the check, and a worker's
    # written-but-uncommitted window is shorter, so most tries freeze it before its records
    # reach the log. README, "Failures, tested", says where that stands.
    print("chaos: WARNING: no aborted records on the output topic: no kill landed between a "
          "transaction's records and its commit")
sys.exit(0 if ok else 1)
PY
say "PASS"
