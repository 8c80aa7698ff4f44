#!/usr/bin/env bash
# Offline checks of deploy/ (no cluster, no Docker engine): renders every Kubernetes overlay
# with `kubectl kustomize`, validates every object against the Kubernetes API schemas (npm
# kubernetes-models), and checks the manifests, compose, Prometheus and the Grafana dashboard
# structurally (deploy/tests/*.test.mjs, node --test); nginx -t on the load balancer's
# configuration, promtool on the Prometheus configurations and on every dashboard query, a
# JVM (use_jdk) on every JAVA_TOOL_OPTIONS the Deployments set. Installs Debian's
# kubernetes-client and Node.js when absent, as root; nginx and promtool are the ones on
# PATH, else Debian's packages unpacked into a cache (unpacked_deb). Takes seconds (the first
# run downloads about 20 MB).
#
# Usage: deploy-checks.sh [FILE.test.mjs...]   (default: every *.test.mjs in deploy/tests)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
use_jdk
ensure_kubectl
ensure_node

promtool=$(command -v promtool || echo "$(unpacked_deb prometheus)/usr/bin/promtool")
nginx=$(command -v nginx || echo "$(unpacked_deb nginx)/usr/sbin/nginx")
for tool in "$promtool" "$nginx"; do
  [[ -x "$tool" ]] || { echo "error: $tool is missing" >&2; exit 1; }
done

cd deploy/tests
log=$(mktemp "${TMPDIR:-/tmp}/deploy-checks-npm.XXXXXX")
if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
  echo "error: npm ci failed in deploy/tests:" >&2
  tail -n 30 "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
files=()
for file in "$@"; do files+=("$(basename "$file")"); done
[[ ${#files[@]} -gt 0 ]] || files=(*.test.mjs)
KUBECTL=kubectl JAVA_BIN="$(command -v java)" PROMTOOL_BIN="$promtool" NGINX_BIN="$nginx" exec node --test "${files[@]}"
