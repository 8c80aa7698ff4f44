#!/usr/bin/env bash
# Makes the certificates for internal gRPC mutual TLS (GRPC_TLS_*): a new CA, one
# certificate per service, and one shared certificate naming every service for the single
# Kubernetes Secret sup-grpc-tls (keys tls.crt, tls.key, ca.crt, mounted at /etc/sup/tls).
#
#   tools/scripts/make-dev-certs.sh [-n NAMESPACE] [-d DAYS] OUT_DIR
#
# Writes OUT_DIR/ca.{crt,key}, OUT_DIR/<service>/{tls.crt,tls.key,ca.crt} for each service
# and OUT_DIR/shared/{tls.crt,tls.key,ca.crt} (also naming edge-gateway-admin). Each
# certificate is good for both TLS server and client use (every service is both) and names <service>, <service>.<ns>.svc,
# <service>.<ns>.svc.cluster.local, localhost and 127.0.0.1. Keys are EC P-256 in
# unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), what GRPC_TLS_KEY takes. Needs openssl 1.1.1+.
# Keep ca.key out of the cluster: it signs new certificates, nothing at run time needs it.
set -euo pipefail

namespace=sup
days=365
while getopts "n:d:h" opt; do
  case "$opt" in
    n) namespace=$OPTARG ;;
    d) days=$OPTARG ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
  sed -n '2,13p' "$0" >&2
  exit 2
fi
out=$1
command -v openssl >/dev/null 2>&1 || { echo "error: openssl is needed (apt-get install openssl)" >&2; exit 1; }

services=(edge-gateway messaging-service presence-service call-signaling-service notification-service)
mkdir -p "$out"
umask 077

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -subj "/CN=sup-grpc-ca" -keyout "$out/ca.key" -out "$out/ca.crt" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# issue NAME DIR SAN...: a key and a certificate signed by the CA, in DIR.
issue() {
  local name=$1 dir=$2
  shift 2
  local sans
  sans=$(printf ',%s' "$@")
  mkdir -p "$dir"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=${sans#,}" > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -days "$days" -extfile "$dir/ext.cnf" -out "$dir/tls.crt" 2>/dev/null
  rm -f "$dir/tls.csr" "$dir/ext.cnf"
  cp "$out/ca.crt" "$dir/ca.crt"
}

names() {
  printf 'DNS:%s DNS:%s.%s.svc DNS:%s.%s.svc.cluster.local ' "$1" "$1" "$namespace" "$1" "$namespace"
}

all=()
for service in "${services[@]}"; do
  # shellcheck disable=SC2046
  issue "$service" "$out/$service" $(names "$service") DNS:localhost IP:127.0.0.1
  # shellcheck disable=SC2207
  all+=($(names "$service"))
done
# The gateway's admin gRPC port has a Service of its own (deploy/k8s: edge-gateway-admin).
# shellcheck disable=SC2207
all+=($(names edge-gateway-admin))
issue "sup-grpc" "$out/shared" "${all[@]}" DNS:localhost IP:127.0.0.1
rm -f "$out/ca.srl"

echo "Wrote a CA and certificates to $out. The Secret the deployment mounts:"
echo "  kubectl -n $namespace create secret generic sup-grpc-tls \\"
echo "    --from-file=tls.crt=$out/shared/tls.crt --from-file=tls.key=$out/shared/tls.key --from-file=ca.crt=$out/ca.crt"
