#!/usr/bin/env bash
# Measures RunPodSandbox and CreateContainer+StartContainer latency (p50/p90 over 20 runs) and the daemon's
# memory, against a real daemon with a registry on loopback. Needs root. Prints the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

[ "$(id -u)" = 0 ] || die "the benchmark needs root"
ensure_packages $BERTH_RUNTIME_PACKAGES $BERTH_TEST_PACKAGES
run_maven -q -DskipTests install
run_maven -q -pl cri-server failsafe:integration-test failsafe:verify -Dit.test=LifecycleBench \
    -Dfailsafe.failIfNoSpecifiedTests=false "$@"
# The benchmark prints its numbers on its standard output, which failsafe keeps in the report.
sed -n '/ bench: /,/]]>/p' cri-server/target/failsafe-reports/TEST-dev.berth.server.e2e.LifecycleBench.xml \
    | sed 's/]]>//'

