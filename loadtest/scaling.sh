#!/usr/bin/env bash
# Horizontal scaling run: one broker (its own process), 1, 2, then 3 featurex workers (their own
# processes, one consumer group) on one 6-partition input topic, the same load for each worker
# count; then a fixed-rate run during which a worker leaves (SIGTERM) and another joins, to
# measure the pause in output. Writes a load test report per run and a summary
# (scaling.md / scaling.json / scaling.html) into the output folder.
#
#   loadtest/scaling.sh                     # defaults below, about 5-8 minutes on 2 cores
#   COUNT=2000 EVENT_SECONDS=60 OUT=/tmp/scaling loadtest/scaling.sh
#
# Workers run the seeded reduced-width VGG16 (--model-width-divisor 8): on a small CPU machine the
# run then measures the pipeline and Kafka coordination (rebalances, transactions), not VGG16.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

COUNT=${COUNT:-1500}                 # refs per worker-count run, sent as fast as possible
WORKER_COUNTS=${WORKER_COUNTS:-"1 2 3"}
EVENT_SECONDS=${EVENT_SECONDS:-50}   # the join/leave run, at a fixed rate
EVENT_RATE_FRACTION=${EVENT_RATE_FRACTION:-0.4}  # of the 2-worker throughput
PORT=${PORT:-19092}
CONTROLLER_PORT=${CONTROLLER_PORT:-19093}
METRICS_BASE=${METRICS_BASE:-19400}
WIDTH_DIVISOR=${WIDTH_DIVISOR:-8}
OUT=${OUT:-$here/target/scaling-$(date -u +%Y%m%d-%H%M%S)}

mkdir -p "$OUT/logs" "$OUT/images" "$OUT/bin"
OUT=$(cd "$OUT" && pwd)
log() { printf '%s scaling: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- build, then run a snapshot of the developer kit's jar ---------------------------------------
# ./featurex builds devkit/target/featurex-devkit.jar (every command: run, broker, ...) when its
# sources changed. The workers run a copy of that jar (beside the same lib/), with the launcher's
# own java flags, so a rebuild during the run cannot change the code under test halfway through.
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building (./featurex, loadtest/run) if needed"
  "$root/featurex" --help >/dev/null
  "$here/run" --help >/dev/null
fi
cp "$root/devkit/target/featurex-devkit.jar" "$OUT/bin/featurex-devkit.jar"
ln -sfn "$root/devkit/target/lib" "$OUT/bin/lib"
preload=${LD_PRELOAD:-}
for lib in /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4; do
  if [ -z "$preload" ] && [ -f "$lib" ]; then preload=$lib; fi
done
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai}
# An array, not a function: started with &, $! is then the java process itself (env execs it),
# so SIGTERM reaches the worker and not a wrapping subshell.
featurex=(env ${preload:+LD_PRELOAD="$preload"} java ${FEATUREX_JAVA_OPTS:-} -Dai.djl.offline=true
  -DDJL_CACHE_DIR="$DJL_CACHE_DIR" -jar "$OUT/bin/featurex-devkit.jar")
loadtest() { "$here/run" "$@"; }

declare -A pids=()
cleanup() {  # workers first (they leave the group and commit), then the broker
  for id in "${!pids[@]}"; do [ "$id" = broker ] || kill -TERM "${pids[$id]}" 2>/dev/null || true; done
  for id in "${!pids[@]}"; do [ "$id" = broker ] || wait "${pids[$id]}" 2>/dev/null || true; done
  if [ -n "${pids[broker]:-}" ]; then kill -TERM "${pids[broker]}" 2>/dev/null || true; wait "${pids[broker]}" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # so the EXIT trap stops the processes this script started

# --- the broker ----------------------------------------------------------------------------------
log "starting the broker (own process) on 127.0.0.1:$PORT"
"${featurex[@]}" broker --dir "$OUT/broker-data" --port "$PORT" --controller-port "$CONTROLLER_PORT" \
  >"$OUT/logs/broker.out" 2>"$OUT/logs/broker.log" &
pids[broker]=$!
for _ in $(seq 1 120); do
  grep -q '^READY ' "$OUT/logs/broker.out" 2>/dev/null && break
  kill -0 "${pids[broker]}" 2>/dev/null || { log "broker died: $(tail -5 "$OUT/logs/broker.log")"; exit 3; }
  sleep 0.5
done
BOOTSTRAP=$(sed -n 's/^READY //p' "$OUT/logs/broker.out" | head -1)
[ -n "$BOOTSTRAP" ] || { log "broker not ready after 60 s"; exit 3; }
log "broker ready at $BOOTSTRAP"

INPUT=scaling.images OUTPUT=scaling.features DEAD=scaling.dead-letters GROUP=scaling
topics=(--input-topic "$INPUT" --output-topic "$OUTPUT" --dead-letter-topic "$DEAD")

# --- workers -------------------------------------------------------------------------------------
next_port=$METRICS_BASE
declare -A ports=()
start_worker() {  # start_worker ID
  local id=$1 port=$next_port
  next_port=$((next_port + 1))
  ports[$id]=$port
  "${featurex[@]}" run --bootstrap-servers "$BOOTSTRAP" "${topics[@]}" --group-id "$GROUP" --worker-id "$id" \
    --model-width-divisor "$WIDTH_DIVISOR" --batch-max-size 8 --metrics-port "$port" \
    --topics-create true --topics-partitions 6 --fetch-file-roots "$OUT/images" \
    --shutdown-timeout-ms 10000 >"$OUT/logs/$id.log" 2>&1 &
  pids[$id]=$!
}
await_ready() {  # await_ready ID
  local id=$1
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:${ports[$id]}/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${pids[$id]}" 2>/dev/null || { log "worker $id died: $(tail -5 "$OUT/logs/$id.log")"; exit 3; }
    sleep 0.5
  done
  log "worker $id not ready after 120 s"; exit 3
}
stop_worker() {  # stop_worker ID: SIGTERM, the worker drains and leaves the group
  local id=$1
  kill -TERM "${pids[$id]}" 2>/dev/null || true
  wait "${pids[$id]}" 2>/dev/null || true
  unset "pids[$id]" "ports[$id]"
}
assigned() {  # the featurex_assigned_partitions gauge of a worker
  curl -fsS "http://127.0.0.1:${ports[$1]}/metrics" 2>/dev/null \
    | awk '/^featurex_assigned_partitions /{print int($2)}' | head -1
}
await_balanced() {  # every running worker holds partitions and all 6 are held, twice in a row
  local ok=0
  for _ in $(seq 1 120); do
    local sum=0 all=1 a
    for id in "${!ports[@]}"; do
      a=$(assigned "$id"); a=${a:-0}
      sum=$((sum + a)); [ "$a" -gt 0 ] || all=0
    done
    if [ "$sum" -eq 6 ] && [ "$all" -eq 1 ]; then
      ok=$((ok + 1)); [ "$ok" -ge 2 ] && return 0
    else
      ok=0
    fi
    sleep 1
  done
  log "the group did not settle on 6 partitions over ${#ports[@]} workers"; exit 3
}
assignment() { for id in $(printf '%s\n' "${!ports[@]}" | sort); do printf '%s=%s ' "$id" "$(assigned "$id")"; done; }

NOTE="Workers run VGG16 with seeded random weights at 1/$WIDTH_DIVISOR of its width (--model-width-divisor $WIDTH_DIVISOR), on $(nproc) CPU cores shared by the broker, every worker and this tool: the run measures the pipeline and Kafka coordination (consumer-group rebalances, transactions, read_committed), not VGG16 inference speed. Not comparable to a full-width or GPU run."
common=(--bootstrap-servers "$BOOTSTRAP" "${topics[@]}" --generate 32 --generated-dir "$OUT/images"
        --progress 5s --drain-timeout 90s --grace 3s --note "$NOTE")

# --- 1, 2, 3 workers, same load ------------------------------------------------------------------
summary_args=()
started=0
for n in $WORKER_COUNTS; do
  while [ "$started" -lt "$n" ]; do
    started=$((started + 1))
    log "starting worker w$started"
    start_worker "w$started"
    await_ready "w$started"
  done
  await_balanced
  log "$n worker(s) ready, partitions: $(assignment)"
  loadtest run "${common[@]}" --rate max --count "$COUNT" --run-id "scale$n-$(date -u +%H%M%S)" \
    --note "$n worker(s); partitions at the start: $(assignment)" --out "$OUT/workers-$n" \
    | tee "$OUT/logs/loadtest-$n.txt" || true
  summary_args+=(--run "$n=$OUT/workers-$n/report.json")
done

# --- a worker leaves, another joins, under a fixed rate -------------------------------------------
two=$(jq -r '.summary.throughput_steady' "$OUT/workers-2/report.json" 2>/dev/null || echo 0)
rate=$(awk -v t="$two" -v f="$EVENT_RATE_FRACTION" 'BEGIN { r = int(t * f); if (r < 5) r = 5; print r }')
events="$OUT/join-leave-events.txt"
: >"$events"
log "join/leave run: $rate refs/s for $EVENT_SECONDS s with workers $(assignment); w3 leaves at ~1/4, w4 joins at ~1/2"
loadtest run "${common[@]}" --rate "$rate" --duration "${EVENT_SECONDS}s" --events-file "$events" \
  --pause-window 20s --run-id "joinleave-$(date -u +%H%M%S)" --out "$OUT/join-leave" \
  --note "Fixed rate $rate refs/s (${EVENT_RATE_FRACTION} of the 2-worker throughput); 3 workers, then w3 leaves (SIGTERM: drains, commits, leaves the group), then w4 starts and joins. After each event, over 20 s: the longest time without any output, the longest on any one input partition, and the slowest output; the baseline row measures the same before the first event." \
  >"$OUT/logs/loadtest-join-leave.txt" 2>&1 &
lt=$!
sleep $((EVENT_SECONDS / 4))
echo "$(date +%s%3N) w3 leaves (SIGTERM)" >>"$events"
stop_worker w3
sleep $((EVENT_SECONDS / 4))
echo "$(date +%s%3N) w4 starts and joins" >>"$events"
start_worker w4
wait "$lt" || true
cat "$OUT/logs/loadtest-join-leave.txt" | tail -3

# --- summary ---------------------------------------------------------------------------------------
command="COUNT=$COUNT EVENT_SECONDS=$EVENT_SECONDS loadtest/scaling.sh"
loadtest scaling-summary "${summary_args[@]}" --events-run "$OUT/join-leave/report.json" \
  --note "$NOTE" --note "Load: $COUNT generated-image refs per worker count, sent as fast as possible into the input topic (6 partitions), so the workers drain a backlog: steady throughput is their capacity; latencies in those runs are mostly queueing. Host load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)." \
  --command "$command" --out "$OUT"
log "done: $OUT/scaling.md, $OUT/scaling.html"
