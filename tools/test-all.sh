#!/usr/bin/env bash
# Runs every test: unit, store and end-to-end tests on real Redis, real gRPC and real
# WebSocket clients, then the Socket.IO compatibility suite with the real npm
# socket.io-client against the built services. Installs Debian's redis-server, coturn (the
# TURN server the call tests allocate relays on), Node.js and openssl (make-dev-certs.sh)
# when absent, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
use_jdk
ensure_redis_server
ensure_coturn
ensure_node
ensure_openssl

echo "==> Java tests (Maven Surefire); also builds the jars the next suite runs"
mvn -B -ntp -Dstyle.color=never verify

echo "==> Socket.IO compatibility suite (node --test, socket.io-client from the lockfile)"
tools/scripts/socketio-suite.sh
