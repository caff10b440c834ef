#!/usr/bin/env bash
# The featurex benchmark in one command, from a fresh clone: checks prerequisites (installs
# nothing), builds featurex if needed, runs `featurex bench` with defaults that finish in about
# 10 minutes on a 2-core machine, and tees its table into a file.
#
#   bench/run.sh                      # defaults
#   bench/run.sh --refs 400 --rounds 3  # any `featurex bench` option (see: ./featurex bench --help)
#
# Environment: BENCH_PYTHON (default /usr/bin/python3, where Debian's python3-torch lives),
# BENCH_OUT (the result file; default bench/work/results/bench-<time>.md), FEATUREX_JAVA_OPTS.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${BENCH_PYTHON:-/usr/bin/python3}

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
# protoc's well-known types (featurex.proto imports google/protobuf/timestamp.proto)
[ -f /usr/include/google/protobuf/timestamp.proto ] || missing+=(libprotobuf-dev)
if [ ! -x "$python" ]; then
  missing+=(python3 python3-torch python3-torchvision python3-pil python3-confluent-kafka python3-protobuf)
else
  for pair in torch:python3-torch torchvision:python3-torchvision PIL:python3-pil \
              confluent_kafka:python3-confluent-kafka google.protobuf:python3-protobuf; do
    "$python" -c "import ${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/run.sh: missing prerequisites. Install them with:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "(the Python packages must be importable by $python; set BENCH_PYTHON for another interpreter)" >&2
  exit 2
fi

tcmalloc=""
for lib in /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4 /usr/lib/aarch64-linux-gnu/libtcmalloc_minimal.so.4; do
  [ -z "$tcmalloc" ] && [ -f "$lib" ] && tcmalloc=$lib
done
if [ -z "$tcmalloc" ]; then
  echo "bench/run.sh: warning: libtcmalloc-minimal4 is not installed; featurex and the Python peers will run on" >&2
  echo "  glibc malloc, which thrashes on VGG16's activations. For representative numbers:" >&2
  echo "  sudo apt-get install -y libtcmalloc-minimal4" >&2
fi

read -r load1 _ < /proc/loadavg 2>/dev/null || load1=0
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "bench/run.sh: warning: load average $load1 before starting: other processes are using the CPU, so the" >&2
  echo "  numbers will be low and noisy (the table's 'others' figures say by how much)." >&2
fi

# Build (when sources changed) through the launcher, then run a private copy of the jar and its
# lib/: on a machine where someone else rebuilds devkit/target mid-run, the bench keeps its classes.
"$repo/featurex" --version >/dev/null
app="$repo/bench/work/app"
rm -rf "$app"
mkdir -p "$app"
cp "$repo/devkit/target/featurex-devkit.jar" "$app/"
cp -r "$repo/devkit/target/lib" "$app/lib"

out=${BENCH_OUT:-$repo/bench/work/results/bench-$(date +%Y%m%d-%H%M%S).md}
mkdir -p "$(dirname "$out")"
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai}
preload=${LD_PRELOAD:-$tcmalloc}
echo "bench/run.sh: writing the table to $out" >&2
# As ./featurex runs the CLI (DJL offline, tcmalloc preloaded), from the private copy.
env ${preload:+LD_PRELOAD="$preload"} java ${FEATUREX_JAVA_OPTS:-} \
  -Dai.djl.offline=true -DDJL_CACHE_DIR="$DJL_CACHE_DIR" \
  -jar "$app/featurex-devkit.jar" bench --repo "$repo" --python "$python" "$@" | tee "$out"
