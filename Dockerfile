# One image for every role of the EV charging control plane. The role is chosen by the command:
#
#   api        node dist/api/main.js                      (default CMD; HTTP + WebSocket on PORT)
#   worker     node dist/worker/main.js                   (Temporal worker; /metrics on METRICS_PORT)
#   gateway    node dist/device-gateway/main.js           (MQTT device gateway; /metrics on METRICS_PORT)
#   ocpp       node dist/ocpp/main.js                     (OCPP 1.6J central system on OCPP_PORT; /metrics on METRICS_PORT)
#   simulator  node dist/simulator/main.js (demo only)
#   migrate    node dist/db/migrate.js                    (one-shot; then dist/system/seed-demo.js for the demo)
#
# All configuration comes from the environment (see ops/compose.env.example and ops/README.md).
# Only classic Dockerfile features are used so the legacy builder (docker-compose v1) builds it too.

ARG NODE_BUILD_IMAGE=node:20-bookworm
ARG NODE_RUNTIME_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
# build: full toolchain. node:20-bookworm is based on buildpack-deps, so python3, make and g++ (needed
# by node-gyp: sqlite3 compiles from source during npm ci) are already there.
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_BUILD_IMAGE} AS build

# npm >= 11 honours the "allowScripts" approvals in package.json (sqlite3, @swc/core, protobufjs) and
# blocks every other dependency's install scripts.
ARG NPM_VERSION=11.19.1
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
RUN npm install -g "npm@${NPM_VERSION}" && npm --version

WORKDIR /app

# Dependencies first so that source edits do not invalidate this (slow) layer. npm ci applies patches/ to them
# (patch-package, the postinstall script; see ops/README.md, "Workflow stack traces").
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci

COPY . .
RUN npm run build \
 && for f in dist/api/main.js dist/worker/main.js dist/device-gateway/main.js dist/ocpp/main.js \
             dist/simulator/main.js dist/db/migrate.js dist/system/seed-demo.js; do \
      test -f "$f" || { echo "build output $f is missing (see the entry points listed in ops/README.md)" >&2; exit 1; }; \
    done \
 && npm prune --omit=dev

# ---------------------------------------------------------------------------------------------------
# runtime: slim base, production node_modules (with the sqlite3 binding compiled above, same glibc),
# compiled dist/, non-root user, tini as PID 1 so signals reach node and zombies are reaped.
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_RUNTIME_IMAGE} AS runtime

# Not version-pinned on purpose: bookworm's security updates replace old package versions.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    PORT=3000 \
    METRICS_PORT=9464

WORKDIR /app

# Files stay owned by root: the application user can read them but not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The operator console's static build, served by the API at /console (api/console-static.ts).
COPY --from=build /app/console/dist ./console/dist
COPY --from=build /app/ops/docker ./ops/docker

# The image's "node" user, numeric so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

EXPOSE 3000 9464

# Liveness of the API role (GET /healthz on PORT). docker-compose.yml overrides it for the other roles
# (worker and gateway probe /metrics on METRICS_PORT; one-shots and the simulator disable it).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "ops/docker/healthcheck.cjs"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]

LABEL org.opencontainers.image.title="ev-charging-control-plane" \
      org.opencontainers.image.description="EV charging control plane: API, Temporal worker, MQTT device gateway (one image, role chosen by command)" \
      org.opencontainers.image.licenses="Apache-2.0"
