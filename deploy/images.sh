#!/usr/bin/env bash
# Builds featurex's images from the repository (deploy/README.md, "Images"):
#   featurex:cpu             the worker, CPU (deploy/Dockerfile)
#   apache/kafka:<version>   a KRaft broker from Kafka's Maven artifacts at the project's
#                            kafka.version (deploy/kafka/), the image the container tests use
#   featurex-model:vgg16     the weights (deploy/Dockerfile.model), with --weights DIR only
#   featurex-base/prometheus:debian
#                            Prometheus from Debian's package (deploy/prometheus/Dockerfile), with
#                            --local-base only: the local stack's stand-in for prom/prometheus
#   featurex:cuda            the worker, NVIDIA GPU (deploy/Dockerfile.cuda), with --cuda only:
#                            it downloads libtorch for CUDA, a 2.5 GB jar
#
# Options:
#   --local-base   make the base images here instead of pulling Temurin and busybox: Debian
#                  bookworm by debootstrap from the archive apt uses, plus Debian's OpenJDK 17
#                  JRE. Made once, then kept in Docker's image store (--fresh-base: again).
#                  Also builds the Prometheus image deploy/compose.yaml can use instead of
#                  prom/prometheus (FEATUREX_PROMETHEUS_IMAGE).
#   --weights DIR  DIR/vgg16.params into featurex-model:vgg16
#   --cuda         also featurex:cuda (not with --local-base: its bases are CUDA's and Ubuntu's)
#   --no-package   use the jars already in worker/target instead of running mvn package
#
# MVN names the Maven command (default: mvn -B -q), e.g. MVN="mvn -B -q -o" offline.
set -euo pipefail
cd "$(dirname "$0")/.."

local_base=false fresh_base=false weights= cuda=false package=true
while [ $# -gt 0 ]; do
  case "$1" in
    --local-base) local_base=true ;;
    --fresh-base) local_base=true fresh_base=true ;;
    --weights) weights=${2:?--weights needs a directory}; shift ;;
    --cuda) cuda=true ;;
    --no-package) package=false ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "images.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if $cuda && $local_base; then
  echo "images.sh: --cuda needs the nvidia/cuda and Temurin base images, --local-base makes neither" >&2
  exit 2
fi

read -r -a mvn <<< "${MVN:-mvn -B -q}"
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)
debian_base=featurex-base/debian:bookworm
jre_base=featurex-base/jre:17
prometheus_local=featurex-base/prometheus:debian
declare -A elapsed

step() { echo "== images.sh: $*" >&2; }
timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  elapsed[$name]=$((SECONDS - start))
}
build() { docker build --network host "$@"; }

# The archive apt is configured with (deb822 sources first, then a one-line sources.list).
debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

make_local_base() {
  if $fresh_base || ! docker image inspect "$debian_base" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || { echo "images.sh: --local-base needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
    local root mirror
    mirror=$(debian_mirror)
    root=$(mktemp -d /tmp/featurex-bookworm.XXXXXX)
    step "debootstrap bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/featurex-debootstrap.log 2>&1 \
      || { tail -n 20 /tmp/featurex-debootstrap.log >&2; rm -rf "$root"; exit 1; }
    # As Debian's own container images: apt keeps neither the packages it installs nor its
    # caches (131 MB in the JRE layer otherwise), and dpkg skips manuals, docs and translations.
    cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
    cat > "$root/etc/dpkg/dpkg.cfg.d/excludes" <<'DPKG'
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
DPKG
    find "$root/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
    # The man directories stay: update-alternatives (OpenJDK's postinst) links into man1.
    find "$root/usr/share/man" ! -type d -delete
    rm -rf "$root"/usr/share/info/* "$root"/usr/share/locale/* \
      "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import --change 'CMD ["/bin/bash"]' - "$debian_base" >/dev/null
    rm -rf "$root"
  fi
  if $fresh_base || ! docker image inspect "$jre_base" >/dev/null 2>&1; then
    step "$jre_base (Debian's openjdk-17-jre-headless)"
    build -q --build-arg DEBIAN_IMAGE="$debian_base" -f deploy/base/Dockerfile.jre -t "$jre_base" deploy/base >/dev/null
  fi
}

base_args=()
model_args=()
if $local_base; then
  timed base make_local_base
  base_args=(--build-arg BASE_IMAGE="$jre_base")
  model_args=(--build-arg BASE_IMAGE="$debian_base")
fi

if $package; then
  step "mvn package (worker)"
  timed package "${mvn[@]}" -DskipTests -pl worker -am package
fi
for f in worker/target/featurex-worker.jar worker/target/lib; do
  [ -e "$f" ] || { echo "images.sh: $f missing: run without --no-package" >&2; exit 1; }
done

step "featurex:cpu"
timed cpu build "${base_args[@]}" -f deploy/Dockerfile -t featurex:cpu .

step "apache/kafka:$kafka_version (from Kafka's Maven artifacts)"
rm -rf deploy/kafka/target/libs
timed kafka-libs "${mvn[@]}" -f deploy/kafka/pom.xml dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory=target/libs
timed kafka build "${base_args[@]}" --label org.opencontainers.image.description="KRaft broker from Kafka's Maven artifacts, built by featurex deploy/images.sh" \
  -f deploy/kafka/Dockerfile -t "apache/kafka:$kafka_version" deploy/kafka

images=(featurex:cpu "apache/kafka:$kafka_version")
if $local_base; then
  step "$prometheus_local (Debian's prometheus package)"
  timed prometheus build --build-arg BASE_IMAGE="$debian_base" -f deploy/prometheus/Dockerfile \
    -t "$prometheus_local" deploy/prometheus
  images+=("$prometheus_local")
fi
if [ -n "$weights" ]; then
  step "featurex-model:vgg16 from $weights"
  timed model build "${model_args[@]}" -f deploy/Dockerfile.model -t featurex-model:vgg16 "$weights"
  images+=(featurex-model:vgg16)
fi

if $cuda; then
  step "featurex:cuda (packages libtorch for CUDA, then the CPU jar back)"
  timed cuda-package "${mvn[@]}" -DskipTests -Dlibtorch.flavor=cu124 -pl worker -am package
  timed cuda build -f deploy/Dockerfile.cuda -t featurex:cuda .
  "${mvn[@]}" -DskipTests -pl worker -am package
  images+=(featurex:cuda)
fi

step "done"
for image in "${images[@]}"; do
  docker image inspect --format "{{.Size}}" "$image" | awk -v i="$image" '{printf "  %-32s %6.0f MB\n", i, $1 / 1e6}'
done
for name in "${!elapsed[@]}"; do printf '  %s: %d s\n' "$name" "${elapsed[$name]}"; done | sort >&2
