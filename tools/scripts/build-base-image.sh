#!/usr/bin/env bash
# Builds the local base image the image checks give Jib (tar://), from Debian packages only:
# a Debian 13 (trixie) rootfs of the Essential set plus openjdk-25-jre-headless,
# ca-certificates and tzdata (IANA zones: notification do-not-disturb rules), made by
# mmdebstrap, turned into a one-layer OCI image by umoci, with the user 10001 the services
# run as, and written as a `docker save` tar by skopeo (the format Jib reads as a base).
#
# Usage: build-base-image.sh [CACHE_DIR]   (default: $XDG_CACHE_HOME or ~/.cache, then
# sup-realtime/images: outside the clone, so a fresh clone on the same machine, as CI's,
# finds it, as Maven finds ~/.m2). Prints the image tar's path. The tar is named after this
# script's content, so a second run returns at once, and a change here builds a new one. Needs root (mmdebstrap's root
# mode, the chroot that installs the packages) and the Debian archive.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh

cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/sup-realtime/images}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
key=$(sha256sum "tools/scripts/build-base-image.sh" | cut -c1-12)
out="$cache/base-trixie-jre25-$key.tar"
if [[ -s "$out" ]]; then
  echo "$out"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "error: building the base image needs root (mmdebstrap installs packages in a chroot)" >&2
  exit 1
fi
ensure_image_tools >&2

work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# One instant for every timestamp (the files in the tar, the image config): the same packages
# give the same image.
created=2026-01-01T00:00:00Z
export SOURCE_DATE_EPOCH=$(date -d "$created" +%s)

echo "Building the base image (Debian trixie + openjdk-25-jre-headless) into $out ..." >&2
start=$SECONDS
# --variant=essential: only Essential: yes packages (no apt, no init) plus the --include list
# and what it depends on. No man pages, docs (but their copyright files) or translations.
# update-alternatives puts java.1.gz beside each alternative, so man1 must exist.
# The services need one CDS archive: the JDK's default, compressed oops and class pointers
# (classes.jsa); the variants for heaps over 32 GB and compact object headers go.
# The build host's resolv.conf and hostname, and device nodes, are not the image's: a
# container runtime provides them.
mmdebstrap --quiet --variant=essential --mode=root --format=tar --skip=output/dev \
  --include=openjdk-25-jre-headless,ca-certificates,tzdata \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='rm -f "$1"/usr/lib/jvm/java-25-openjdk-amd64/lib/server/classes_nocoops*.jsa "$1"/usr/lib/jvm/java-25-openjdk-amd64/lib/server/classes_coh.jsa' \
  --customize-hook='echo "app:x:10001:" >>"$1/etc/group"' \
  --customize-hook='echo "app:x:10001:10001:app:/nonexistent:/usr/sbin/nologin" >>"$1/etc/passwd"' \
  --customize-hook='rm -f "$1/etc/resolv.conf" "$1/etc/hostname"; rm -rf "$1"/var/cache/debconf/*-old "$1"/var/log/*' \
  trixie "$work/rootfs.tar" >&2

umoci init --layout "$work/oci"
umoci new --image "$work/oci:base"
umoci raw add-layer --image "$work/oci:base" --history.created "$created" \
  --history.created_by "tools/scripts/build-base-image.sh (mmdebstrap trixie)" \
  --history.comment "Debian trixie essential + openjdk-25-jre-headless, ca-certificates, tzdata" \
  "$work/rootfs.tar"
umoci config --image "$work/oci:base" --no-history --created "$created" \
  --config.user 10001:10001 --config.workingdir / \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.env JAVA_HOME=/usr/lib/jvm/java-25-openjdk-amd64 \
  --config.env LANG=C.UTF-8 \
  --config.label org.opencontainers.image.title=sup-base-jre25 \
  --config.label "org.opencontainers.image.description=Debian trixie with openjdk-25-jre-headless, for local image builds"
umoci gc --layout "$work/oci"
skopeo copy --quiet "oci:$work/oci:base" "docker-archive:$work/base.tar:sup/base-jre25:trixie"
mv "$work/base.tar" "$out"
# Older bases (built by an earlier version of this script) are not used any more.
find "$cache" -maxdepth 1 -name 'base-trixie-jre25-*.tar' ! -path "$out" -delete
echo "Base image built in $((SECONDS - start)) s: $(du -h "$out" | cut -f1) ($out)" >&2
echo "$out"
