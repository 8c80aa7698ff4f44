#!/usr/bin/env bash
# Offline checks of deploy/ (no cluster, no Docker engine): renders both Kubernetes overlays
# with `kubectl kustomize`, validates every object against the Kubernetes API schemas
# (npm kubernetes-models), and checks the manifests, compose, Prometheus and the Grafana
# dashboard structurally (deploy/tests/*.test.mjs, node --test). Installs Debian's
# kubernetes-client and Node.js when absent, as root. Takes seconds.
#
# Usage: deploy-checks.sh [FILE.test.mjs...]   (default: every *.test.mjs in deploy/tests)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
ensure_kubectl
ensure_node

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
KUBECTL=kubectl exec node --test "${files[@]}"
