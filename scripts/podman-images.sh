#!/usr/bin/env bash
# Builds Cairn's images with podman on a machine without a container registry (and without Docker):
# a Debian base made from Debian's packages (mmdebstrap; reused once made), local stand-ins for the
# official node, postgres and prometheus images, then Cairn's own Dockerfile targets on them.
# Elsewhere, `docker build .` on the official bases is all it takes (deploy/README.md).
# Usage: scripts/podman-images.sh
# Prints nothing but progress; sets up podman first when it is missing (Debian's podman, runc,
# mmdebstrap, aardvark-dns for service names on compose networks).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-env.sh

started=$(date +%s)
has_image() { podman image exists "$1"; }
build() { # build <image> <containerfile or target> [podman build args...]
  local image=$1; shift
  echo "podman-images: building $image" >&2
  podman build --network=host --format docker --quiet -t "$image" "$@" >/dev/null
}

if ! has_image localhost/cairn-base:trixie; then
  # Debian trixie: Node.js 20.19 and Python 3.13 from Debian's own packages (bookworm's Node is 18).
  echo "podman-images: making the Debian base with mmdebstrap (about a minute)" >&2
  rootfs=$(mktemp --suffix=.tar)
  # This machine's own extra certificate authorities (a TLS-inspecting proxy to the package
  # registries, say) go into the base too, and Node and pip are told to use the system's list.
  mmdebstrap --quiet --variant=minbase --include=nodejs,python3,python3-venv,ca-certificates,passwd \
    --customize-hook='if [ -d /usr/local/share/ca-certificates ]; then cp -r /usr/local/share/ca-certificates/. "$1/usr/local/share/ca-certificates/"; chroot "$1" update-ca-certificates >/dev/null; fi' \
    trixie "$rootfs"
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    "$rootfs" localhost/cairn-base:trixie >/dev/null
  rm -f "$rootfs"
fi
local_bases=(--build-arg BASE_IMAGE=localhost/cairn-base:trixie)
has_image localhost/cairn-build-base:trixie || build localhost/cairn-build-base:trixie -f deploy/local-images/base.Containerfile "${local_bases[@]}" deploy/local-images
has_image localhost/postgres:local || build localhost/postgres:local -f deploy/local-images/postgres.Containerfile "${local_bases[@]}" deploy/local-images
has_image localhost/prometheus:local || build localhost/prometheus:local -f deploy/local-images/prometheus.Containerfile "${local_bases[@]}" deploy/local-images

bases=(--build-arg BUILD_IMAGE=localhost/cairn-build-base:trixie --build-arg RUNTIME_IMAGE=localhost/cairn-base:trixie --build-arg PYTHON_IMAGE=localhost/cairn-base:trixie)
build localhost/cairn:dev --target cairn "${bases[@]}" .
has_image localhost/cairn-temporal:dev || build localhost/cairn-temporal:dev --target temporal-dev "${bases[@]}" .
build localhost/cairn-python:dev --target python-worker "${bases[@]}" .
echo "podman-images: done in $(( $(date +%s) - started )) s" >&2
