# Shared helpers for Berth's scripts. Source it; do not run it.

# Packages Berth drives at run time.
BERTH_RUNTIME_PACKAGES="runc conmon catatonit containernetworking-plugins iproute2 iptables util-linux mount socat maven"
# Packages only the tests need: a registry on loopback, busybox to build test images, ping for the pod IP,
# a C compiler and static libc for the syscall probe, Apache httpd to run in a test image.
BERTH_TEST_PACKAGES="docker-registry busybox-static iputils-ping gcc libc6-dev apache2-bin"
# Where the tests find programs unpacked from Debian packages that would start a service if installed.
BERTH_TEST_PROGRAMS=/var/cache/berth-test

die() {
    echo "berth: $*" >&2
    exit 1
}

# Installs the named Debian packages that are missing (apt-get update once, only when needed).
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "run as root to install: ${missing[*]}"
        echo "berth: installing ${missing[*]}" >&2
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Unpacks the named Debian packages under $BERTH_TEST_PROGRAMS/<package> without installing them: the tests
# put their programs (e.g. nginx) into images, and installing them would start their services on the host.
ensure_unpacked() {
    local package
    for package in "$@"; do
        [ -d "$BERTH_TEST_PROGRAMS/$package" ] && continue
        local work
        work=$(mktemp -d)
        (cd "$work" && apt-get download -q "$package" >/dev/null 2>&1) \
            || { apt-get update -q >/dev/null && (cd "$work" && apt-get download -q "$package" >/dev/null 2>&1); } \
            || die "cannot download the Debian package $package"
        mkdir -p "$BERTH_TEST_PROGRAMS"
        dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
        mv "$work/root" "$BERTH_TEST_PROGRAMS/$package"
        rm -rf "$work"
    done
}

# Prints a JAVA_HOME whose java is version 21 or newer: $JAVA_HOME if it qualifies, else the newest under
# /usr/lib/jvm. Fails with a clear message when there is none.
find_jdk() {
    local candidate version best="" best_version=0
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
        version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
        [ -n "$version" ] || continue
        if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$version" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
        if [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
            best="$candidate"
            best_version="$version"
        fi
    done
    [ -n "$best" ] || die "Berth needs a JDK 21 or newer (none found in \$JAVA_HOME or /usr/lib/jvm); install one, e.g. openjdk-21-jdk or Temurin, and set JAVA_HOME"
    echo "$best"
}

# Runs Maven on the chosen JDK; Maven 3.8 warns about sun.misc.Unsafe on JDK 24+ unless told otherwise.
run_maven() {
    local jdk
    jdk=$(find_jdk)
    local version
    version=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [ "$version" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
    JAVA_HOME="$jdk" mvn -B "$@"
}

# Makes an ahead-of-time cache of the classes Berth loads and links while it starts ($2/berth.aot), on a JDK 25
# or newer: a training daemon with a configuration of its own (temporary socket, root and state; no network
# config written; metrics and streaming on free ports) starts, answers, and is stopped, and the JVM writes the
# cache as it exits. Nothing of the node's Berth is touched: the training daemon has a cgroup parent of its own,
# since a daemon tidies the pod cgroups it does not know under its parent. Without a JDK 25 the cache is left out.
train_aot_cache() {
    local jdk=$1 prefix=$2 version dir pid
    version=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    rm -f "$prefix/berth.aot"
    [ "$version" -ge 25 ] || return 0
    dir=$(mktemp -d /tmp/berth-aot.XXXXXX)
    mkdir -p "$dir/cni"
    cat > "$dir/berth.toml" <<TOML
socket = "$dir/berth.sock"
root = "$dir/root"
state = "$dir/state"
[runtime]
cgroup_parent = "/$(basename "$dir")"
[cni]
conf_dir = "$dir/cni"
default_network = false
[metrics]
address = "127.0.0.1:0"
[streaming]
address = "127.0.0.1:0"
TOML
    BERTH_JAVA_OPTS="-XX:AOTCacheOutput=$prefix/berth.aot" /usr/local/bin/berth --config "$dir/berth.toml" \
        >"$dir/training.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
        grep -q "serving on" "$dir/training.log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    find /sys/fs/cgroup -maxdepth 2 -type d -name "$(basename "$dir")" -exec rmdir {} + 2>/dev/null || true
    if [ -f "$prefix/berth.aot" ]; then
        echo "made an ahead-of-time class cache: $prefix/berth.aot"
    else
        echo "no ahead-of-time class cache (see $dir/training.log); Berth starts without one" >&2
        return 0
    fi
    rm -rf "$dir"
}
