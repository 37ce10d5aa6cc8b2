# Sourced by the scripts and tests that use podman here: installs it when missing and points it at a
# configuration that works on these machines (../shared/CONTAINERS.md): runc with cgroupfs (the
# hybrid cgroups here are rejected by crun), no default ulimits (lower limits than podman's
# defaults), events to a file (no journald).
if ! command -v podman >/dev/null 2>&1 || ! command -v mmdebstrap >/dev/null 2>&1 || [ ! -x /usr/lib/podman/aardvark-dns ]; then
  echo "installing podman, runc, mmdebstrap and aardvark-dns from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap aardvark-dns >/dev/null
fi
mkdir -p .tools
cat > .tools/containers.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$PWD/.tools/containers.conf"
# podman-compose (PyPI) runs deploy/compose.yaml here, pinned, in a venv of its own.
if [ ! -x .tools/podman-compose/bin/podman-compose ]; then
  echo "installing podman-compose into .tools/podman-compose" >&2
  python3 -m venv .tools/podman-compose
  .tools/podman-compose/bin/pip install --quiet --disable-pip-version-check podman-compose==1.6.0 >&2
fi
