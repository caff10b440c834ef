#!/usr/bin/env bash
# The local stack (deploy/compose.yaml) end to end, as a user tries it: up, both workers ready
# and holding input partitions, images sent and their features read back by the load test
# (read_committed, every id exactly once), then Prometheus asked for featurex_images_total of
# each worker. CI runs it after the tests, on the images deploy/images.sh --local-base built;
# it takes the stack down again, volumes too, however it ends.
#
#   deploy/stack-check.sh [--images N]      (default 48)
#
# The stack's ports are moved off the defaults (39092, 39401, 39402, 39090), so that a stack a
# user has up on this machine is not disturbed; FEATUREX_* variables as in compose.yaml override
# the images, e.g. FEATUREX_PROMETHEUS_IMAGE=featurex-base/prometheus:debian where nothing can
# be pulled.
set -euo pipefail
cd "$(dirname "$0")/.."

count=48
while [ $# -gt 0 ]; do
  case "$1" in
    --images) count=${2:?--images needs a number}; shift ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stack-check.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

export FEATUREX_KAFKA_PORT=${FEATUREX_KAFKA_PORT:-39092}
export FEATUREX_WORKER_1_PORT=${FEATUREX_WORKER_1_PORT:-39401}
export FEATUREX_WORKER_2_PORT=${FEATUREX_WORKER_2_PORT:-39402}
export FEATUREX_PROMETHEUS_PORT=${FEATUREX_PROMETHEUS_PORT:-39090}
project=featurex-stack-check
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -p "$project" -f deploy/compose.yaml)
else
  compose=(docker-compose -p "$project" -f deploy/compose.yaml)
fi
work=$(mktemp -d /tmp/featurex-stack-check.XXXXXX)
started=$SECONDS

say() { printf 'stack-check %4ds: %s\n' $((SECONDS - started)) "$*"; }
finish() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "stack-check: FAILED; the stack's last log lines:" >&2
    "${compose[@]}" logs --no-color --tail 60 worker-1 worker-2 prometheus >&2 || true
  fi
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
  exit $rc
}
trap finish EXIT

# One PromQL query; prints "label value" lines, label being the series' pod.
promql() {
  curl -fsS "http://127.0.0.1:$FEATUREX_PROMETHEUS_PORT/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json, sys
for series in json.load(sys.stdin)["data"]["result"]:
    print(series["metric"].get("pod", "-"), series["value"][1])'
}
# Waits until every line of `promql QUERY` has a value of at least MIN for each worker.
await_both() {
  local query=$1 min=$2 what=$3 deadline=$((SECONDS + $4)) answer=
  while [ $SECONDS -lt $deadline ]; do
    answer=$(promql "$query" 2>/dev/null || true)
    if [ "$(awk -v min="$min" '$2 + 0 >= min + 0 {print $1}' <<<"$answer" | sort -u | tr '\n' ' ')" = "worker-1 worker-2 " ]; then
      say "$what: $(tr '\n' ' ' <<<"$answer")"
      return 0
    fi
    sleep 2
  done
  echo "stack-check: $what not reached in time; Prometheus answered: ${answer:-nothing}" >&2
  return 1
}

"${compose[@]}" up -d --quiet-pull 2>&1 | sed 's/^/  /'
say "up: $(docker ps --filter "label=com.docker.compose.project=$project" --format '{{.Names}}' | sort | tr '\n' ' ')"
for service in worker-1 worker-2; do
  container=$("${compose[@]}" ps -q "$service")
  for _ in $(seq 120); do
    health=$(docker inspect --format '{{.State.Health.Status}}' "$container")
    [ "$health" = healthy ] && break
    sleep 2
  done
  [ "$health" = healthy ] || { echo "stack-check: $service is $health" >&2; exit 1; }
  say "$service ready (/readyz 200)"
done
rules=$(curl -fsS "http://127.0.0.1:$FEATUREX_PROMETHEUS_PORT/api/v1/rules" |
  python3 -c 'import json, sys; print(sum(len(g["rules"]) for g in json.load(sys.stdin)["data"]["groups"]))')
[ "$rules" -gt 0 ] || { echo "stack-check: Prometheus loaded no rules" >&2; exit 1; }
say "Prometheus has the $rules featurex rules"
# Both in the group with partitions of their own before anything is sent, so that both have
# images to count: a worker that joins late would find the topic drained.
await_both 'featurex_assigned_partitions{job="featurex"}' 1 "input partitions per worker" 120

say "load test: $count images, inline, to localhost:$FEATUREX_KAFKA_PORT"
loadtest/run run --bootstrap-servers "localhost:$FEATUREX_KAFKA_PORT" --count "$count" --rate max \
  --generate 16 --generated-dir "$work/images" --inline --drain-timeout 180s --grace 3s \
  --progress 5s --out "$work/report" | sed 's/^/  /'
# The features themselves say which worker made them.
python3 - "$work/report/report.json" <<'PY'
import json, sys
by_worker = json.load(open(sys.argv[1]))["outputs_by_worker"]
print("  features by worker (from the output records):", by_worker)
missing = {"worker-1", "worker-2"} - {w for w, n in by_worker.items() if n > 0}
sys.exit("stack-check: no features from %s" % ", ".join(sorted(missing)) if missing else 0)
PY

await_both 'sum by (pod) (featurex_images_total{job="featurex"})' 1 "featurex_images_total per worker" 60
# The features are all out by now, but Prometheus sees a worker's count only at its next scrape
# (every 5 s): wait for the sum rather than read it once.
deadline=$((SECONDS + 60))
while :; do
  total=$(promql 'sum(featurex_images_total{job="featurex"})' | awk '{print $2}')
  [ "${total%.*}" -ge "$count" ] || [ $SECONDS -ge $deadline ] && break
  sleep 2
done
say "featurex_images_total over both workers: $total (sent $count)"
[ "${total%.*}" -ge "$count" ] || { echo "stack-check: Prometheus counts $total images within 60 s, $count were sent" >&2; exit 1; }
say "PASS"
