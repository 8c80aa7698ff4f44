#!/usr/bin/env bash
# Runs every test: unit, store and end-to-end tests on real Redis, real gRPC and real
# WebSocket clients. Installs Debian's redis-server when absent (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
use_jdk
ensure_redis_server

echo "==> Java tests (Maven Surefire)"
mvn -B -ntp -Dstyle.color=never verify
