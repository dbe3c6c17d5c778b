#!/usr/bin/env bash
# Benchmarks Berth with CriBench (bench module): pod, shared-PID pod, container, image and list workloads,
# p50/p90/p99 of each CRI call, and the memory of the daemon and its conmons with N pods running.
#
#   scripts/bench.sh [--against containerd] [CriBench options, e.g. --runs 10 --workloads pod,list --json]
#
# Everything runs on a private instance: a Berth daemon from this build and, with --against containerd, Debian's
# containerd with its CRI plugin, each with its own config, socket, root, state, bridge network and subnet, both
# pulling from a docker-registry of the script's own on loopback (registry.k8s.io mirrored to it). The pause image
# containerd needs and the busybox image the containers run are built here (catatonit, busybox-static). At the
# end both daemons, their conmons and shims, mounts, bridges, NAT rules, cgroups and temporary files are removed.
# Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

against=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --against) against="${2:?--against needs a runtime (containerd)}"; shift 2 ;;
        --against=*) against="${1#--against=}"; shift ;;
        *) args+=("$1"); shift ;;
    esac
done
[ -z "$against" ] || [ "$against" = containerd ] || die "--against knows only containerd"
[ "$(id -u)" = 0 ] || die "the benchmark needs root"
ensure_packages $BERTH_RUNTIME_PACKAGES docker-registry busybox-static curl
[ -z "$against" ] || ensure_packages containerd

# Maven writes to standard output, which carries only the results (e.g. --json).
run_maven -q -DskipTests install -pl cri-server,bench -am >&2
jdk=$(find_jdk)

work=$(mktemp -d /tmp/berth-bench.XXXXXX)
tag=$(printf '%05x' $((RANDOM * 32 + RANDOM % 32)))
cgroup_parent=/berth-bench-$tag
pids=()

# Stops what the script started, by PID, and removes what it and the runtimes made under its names.
cleanup() {
    set +e
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    # Containers a failed run left: runc's roots of both runtimes are under the work dir.
    local state root
    for state in $(find "$work" -name state.json 2>/dev/null); do
        root=$(dirname "$(dirname "$state")")
        runc --root "$root" delete -f "$(basename "$(dirname "$state")")" >/dev/null 2>&1
    done
    # conmons and shims outlive their daemons; ours name the work dir on their command lines.
    for pid in $(grep -l -a -F "$work" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
        case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
            conmon | containerd-shim*) kill -KILL "$pid" 2>/dev/null ;;
        esac
    done
    grep -F " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r mount; do
        umount -l "$mount"
    done
    for bridge in "${bridges[@]:-}"; do
        [ -n "$bridge" ] && ip link del "$bridge" 2>/dev/null
    done
    for subnet in "${subnets[@]:-}"; do
        [ -n "$subnet" ] || continue
        iptables-save -t nat | grep -F -- "$subnet" | grep '^-A' | while read -r rule; do
            eval "iptables -t nat ${rule/-A/-D}"
        done
    done
    local dir
    for dir in /sys/fs/cgroup/*"$cgroup_parent" /sys/fs/cgroup/*/*"$cgroup_parent"; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    [ "${created_run_containerd:-}" = 1 ] && rm -rf /run/containerd
    rm -rf "$work"
}
bridges=()
subnets=()
trap cleanup EXIT
# kubelet makes the pods' cgroup parent in every hierarchy before it runs pods; Berth insists on that.
for hierarchy in /sys/fs/cgroup/*/; do
    mkdir -p "$hierarchy${cgroup_parent#/}" 2>/dev/null || true
done

# A 10.x.y.0/24 prefix that no address or NAT rule of this machine mentions.
free_subnet() {
    local used prefix
    used=$(ip -4 -o addr show; iptables-save -t nat)
    for _ in $(seq 100); do
        prefix="10.$((200 + RANDOM % 50)).$((RANDOM % 250))."
        grep -qF "$prefix" <<<"$used" || { echo "$prefix"; return 0; }
    done
    die "no free 10.x.y.0/24 subnet"
}

# A CNI bridge network named $1 on bridge $2 with subnet prefix $3, written to $4.
write_network() {
    cat >"$4" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$1",
  "plugins": [
    {"type": "bridge", "bridge": "$2", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$work/ipam-$1", "ranges": [[{"subnet": "${3}0/24"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

# --- a registry of our own on loopback -----------------------------------------------------------------------
registry_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
registry=127.0.0.1:$registry_port
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/storage
  delete:
    enabled: true
http:
  addr: $registry
EOF
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://$registry/v2/" >/dev/null && break; sleep 0.1; done
curl -sf "http://$registry/v2/" >/dev/null || die "docker-registry did not start: $(cat "$work/registry/log")"

# Uploads the file $2 as a blob of repository $1; prints its digest.
push_blob() {
    local digest location
    digest=sha256:$(sha256sum "$2" | cut -d' ' -f1)
    location=$(curl -sf -X POST -D - -o /dev/null "http://$registry/v2/$1/blobs/uploads/" \
        | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
    case "$location" in http*) ;; *) location="http://$registry$location" ;; esac
    case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$2" "$location" >/dev/null
    echo "$digest"
}

# Pushes the directory $3 as the one-layer image $1:$2 whose entrypoint is the JSON array $4.
push_image() {
    local layer="$work/layer.tar.gz" config="$work/config.json" manifest="$work/manifest.json"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$3" -cf - . | gzip -n >"$layer"
    local diff_id layer_digest config_digest
    diff_id=sha256:$(gunzip -c "$layer" | sha256sum | cut -d' ' -f1)
    layer_digest=$(push_blob "$1" "$layer")
    printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":%s,"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
        "$4" "$diff_id" >"$config"
    config_digest=$(push_blob "$1" "$config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}' \
        "$(stat -c %s "$config")" "$config_digest" "$(stat -c %s "$layer")" "$layer_digest" >"$manifest"
    curl -sf -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
        --data-binary @"$manifest" "http://$registry/v2/$1/manifests/$2" >/dev/null || die "cannot push $1:$2"
}

# The containers' image: busybox-static with sh and sleep.
mkdir -p "$work/images/busybox/bin"
cp /bin/busybox "$work/images/busybox/bin/busybox"
ln -s busybox "$work/images/busybox/bin/sh"
ln -s busybox "$work/images/busybox/bin/sleep"
push_image berth-bench/busybox 1 "$work/images/busybox" '["/bin/sh"]'
# containerd's pause image: catatonit -P, the static program Berth itself runs as the infra process of a
# shared-PID pod; it sleeps and reaps until SIGTERM, as pause does.
[ -n "$against" ] && {
    mkdir -p "$work/images/pause"
    cp /usr/bin/catatonit "$work/images/pause/pause"
    push_image berth-bench/pause 1 "$work/images/pause" '["/pause","-P"]'
}
image=registry.k8s.io/berth-bench/busybox:1

# --- Berth ---------------------------------------------------------------------------------------------------
berth="$work/berth"
mkdir -p "$berth/cni"
berth_subnet=$(free_subnet)
bridges+=("bbb$tag")
subnets+=("${berth_subnet}0/24")
write_network berth-bench "bbb$tag" "$berth_subnet" "$berth/cni/10-bench.conflist"
cat >"$berth/berth.toml" <<EOF
socket = "$berth/berth.sock"
root = "$berth/root"
state = "$berth/state"
[runtime]
cgroup_parent = "$cgroup_parent"
[cni]
conf_dir = "$berth/cni"
default_network = false
[registry.mirrors."registry.k8s.io"]
endpoints = ["http://$registry"]
[metrics]
address = ""
EOF
mapfile -t jvm_options < <(grep -v -e '^#' -e '^$' cri-server/src/main/dist/jvm.options)
"$jdk/bin/java" "${jvm_options[@]}" -cp "$(ls cri-server/target/cri-server-*.jar | grep -v -e sources -e tests):cri-server/target/lib/*" \
    dev.berth.server.Main --config "$berth/berth.toml" >"$berth/log" 2>&1 &
berth_pid=$!
pids+=("$berth_pid")
targets=(--endpoint "berth=unix://$berth/berth.sock" --daemon-pid "$berth_pid")

# --- containerd ----------------------------------------------------------------------------------------------
if [ "$against" = containerd ]; then
    ctrd="$work/containerd"
    mkdir -p "$ctrd/cni"
    ctrd_subnet=$(free_subnet)
    bridges+=("bbc$tag")
    subnets+=("${ctrd_subnet}0/24")
    write_network containerd-bench "bbc$tag" "$ctrd_subnet" "$ctrd/cni/10-bench.conflist"
    [ -d /run/containerd ] || created_run_containerd=1
    cat >"$ctrd/config.toml" <<EOF
version = 2
root = "$ctrd/root"
state = "$ctrd/state"
[grpc]
  address = "$ctrd/containerd.sock"
[ttrpc]
  address = "$ctrd/containerd.sock.ttrpc"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/berth-bench/pause:1"
  systemd_cgroup = false
  # The pause container asks for oom_score_adj -998, which runc cannot set here (no CAP_SYS_RESOURCE in the
  # bounding set); clamp it to containerd's own, as Berth does.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = "$ctrd/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$ctrd/cni"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry.k8s.io"]
    endpoint = ["http://$registry"]
EOF
    containerd --config "$ctrd/config.toml" >"$ctrd/log" 2>&1 &
    ctrd_pid=$!
    pids+=("$ctrd_pid")
    targets+=(--endpoint "containerd=unix://$ctrd/containerd.sock" --daemon-pid "$ctrd_pid")
fi

status=0
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
    dev.berth.bench.CriBench "${targets[@]}" --image "$image" --cgroup-parent "$cgroup_parent" "${args[@]}" \
    || status=$?
if [ "$status" != 0 ]; then
    echo "berth: the benchmark failed; the daemons' logs:" >&2
    tail -n 30 "$berth/log" >&2
    [ -n "$against" ] && tail -n 30 "$ctrd/log" >&2
fi
exit "$status"
