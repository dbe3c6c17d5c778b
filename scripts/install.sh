#!/usr/bin/env bash
# Installs Berth on this machine and starts it with its built-in defaults:
# system packages, a build of the daemon, /usr/local/bin/berth, and (when systemd does not run) the daemon
# in the background with its log in /var/log/berth.log. Run as root from a checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ "$(id -u)" = 0 ] || die "run as root"
ensure_packages $BERTH_RUNTIME_PACKAGES
JDK=$(find_jdk)

run_maven -q -DskipTests -pl cri-server -am install

prefix=/usr/local/lib/berth
rm -rf "$prefix.new"
mkdir -p "$prefix.new/lib"
cp cri-server/target/cri-server-*.jar "$prefix.new/berth.jar"
cp cri-server/target/lib/*.jar "$prefix.new/lib/"
cp cri-server/src/main/dist/jvm.options "$prefix.new/jvm.options"
rm -rf "$prefix"
mv "$prefix.new" "$prefix"

cat > /usr/local/bin/berth <<LAUNCHER
#!/bin/sh
# Starts Berth on the JDK found at install time (a JDK 21 or newer).
# JVM options come from $prefix/jvm.options; BERTH_JAVA_OPTS adds to them. With an ahead-of-time cache of
# Berth's classes ($prefix/berth.aot, made at install on a JDK 25 or newer), Berth serves in half the time;
# the JVM ignores a cache it cannot use (another JDK) and starts as without one.
aot=""
[ -f "$prefix/berth.aot" ] && aot="-XX:AOTCache=$prefix/berth.aot"
exec "\${BERTH_JAVA:-$JDK/bin/java}" \$(grep -v '^#' "$prefix/jvm.options") \$aot \${BERTH_JAVA_OPTS:-} \\
    -cp "$prefix/berth.jar:$prefix/lib/*" dev.berth.server.Main "\$@"
LAUNCHER
chmod 755 /usr/local/bin/berth
train_aot_cache "$JDK" "$prefix"

mkdir -p /etc/berth /etc/crictl.d 2>/dev/null || true
[ -e /etc/berth/berth.toml ] || cp manifests/config/berth.toml /etc/berth/berth.toml
[ -e /etc/crictl.yaml ] || cp manifests/crictl/crictl.yaml /etc/crictl.yaml

if [ -d /run/systemd/system ]; then
    cp manifests/systemd/berth.service /etc/systemd/system/berth.service
    systemctl daemon-reload
    systemctl enable --now berth
    systemctl restart berth
else
    if [ -f /run/berth.pid ] && kill -0 "$(cat /run/berth.pid)" 2>/dev/null; then
        kill "$(cat /run/berth.pid)"
        for _ in $(seq 1 100); do kill -0 "$(cat /run/berth.pid)" 2>/dev/null || break; sleep 0.1; done
    fi
    nohup /usr/local/bin/berth >>/var/log/berth.log 2>&1 &
    echo $! > /run/berth.pid
fi

for _ in $(seq 1 300); do
    [ -S /run/berth/berth.sock ] && break
    sleep 0.1
done
[ -S /run/berth/berth.sock ] || die "berth did not open /run/berth/berth.sock; see /var/log/berth.log"
echo "berth is serving on unix:///run/berth/berth.sock (log: /var/log/berth.log, metrics: http://127.0.0.1:9641/metrics)"
