#!/usr/bin/env bash
# Runs every Berth test: unit tests, then integration tests against real runc, conmon, CNI plugins and a
# registry on loopback. Needs root (namespaces, mounts, cgroups) and installs the packages it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ "$(id -u)" = 0 ] || die "the integration tests need root"
ensure_packages $BERTH_RUNTIME_PACKAGES $BERTH_TEST_PACKAGES
ensure_unpacked nginx
run_maven verify "$@"
