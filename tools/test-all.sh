#!/usr/bin/env bash
# Runs every test: unit, store and end-to-end tests on real Redis, real gRPC and real
# WebSocket clients, then the Socket.IO compatibility suite with the real npm
# socket.io-client against the built services, the container image checks (Jib images on a
# local base made from Debian packages, one of them run), then tools/run-local.sh itself (one
# run, a second refused, Ctrl-C stops everything); first, the offline checks of deploy/ (the
# Kubernetes overlays rendered and validated, compose, Prometheus, Grafana). Installs Debian's
# redis-server, coturn (the TURN server the call tests allocate relays on), Node.js,
# kubernetes-client (kubectl, for rendering), openssl (make-dev-certs.sh), and mmdebstrap,
# umoci and skopeo when absent, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
use_jdk
ensure_redis_server
ensure_coturn
ensure_node
ensure_openssl
ensure_kubectl

echo "==> Deploy checks (deploy/k8s rendered and validated offline, compose, Prometheus, Grafana)"
tools/scripts/deploy-checks.sh

echo "==> Benchmark report tests (bench/report.py's figures: CPU per 1,000 deliveries, late, tables)"
python3 -m unittest discover -s bench -p 'test_*.py'

echo "==> Java tests (Maven Surefire); also builds the jars the next suite runs"
mvn -B -ntp -Dstyle.color=never verify

echo "==> AOT cache wiring (common.sh service_command: train, use, off, stale), on a copy of the built CLI"
tools/scripts/aot-cache-test.sh

echo "==> Container images (Jib buildTar on a local Debian base; docs/ops-notes/images.md)"
if [ "$(id -u)" = 0 ]; then
  tools/scripts/image-checks.sh
else
  echo "skipped: the image checks need root (mmdebstrap's chroot, namespaces); CI runs them"
fi

echo "==> Socket.IO compatibility suite (node --test, socket.io-client from the lockfile)"
tools/scripts/socketio-suite.sh

echo "==> tools/run-local.sh for real: a run, a second one refused, Ctrl-C stops everything"
tools/scripts/run-local-test.sh
