# syntax=docker/dockerfile:1
#
# Carteira Digital Carioca: production image.
#
#   docker build -t carteira-digital-carioca .
#   docker compose up            (PostgreSQL + the app + Jaeger, see docker-compose.yml)
#
# Stages: deps (all dependencies, for the build) -> build (tsoa routes/spec + tsc into dist/, the entry points bundled)
# -> prod-deps (production dependencies only) -> runtime (dist/ + production node_modules, non-root).
# The app applies pending database migrations itself at start-up; with many replicas, run `node dist/scripts/migrate.js`
# first (the Kubernetes migration Job in deploy/kubernetes does) so replicas do not race on a schema change.
#
# Node: the project pins Node 24 through the `node` npm package, a devDependency. The official image already runs
# Node 24, so the runtime stage (production dependencies only) uses the image's node directly.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# ---- all dependencies (dev included: tsoa, typescript, the pinned node) -------------------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

# ---- build: generate tsoa routes + OpenAPI spec (api/generated), compile TypeScript into dist/, bundle the app ------
FROM deps AS build
COPY . .
# api/generated/openapi.json is imported by the code, so tsc emits it as dist/api/generated/openapi.json.
# The common-password list is read next to the compiled module (dist/src/accounts/); tsc does not copy .txt files.
RUN npm run build \
 && cp src/accounts/common-passwords.txt dist/src/accounts/ \
 && test -f dist/src/main.js \
 && test -f dist/api/generated/openapi.json

# ---- production dependencies only (swagger-ui-dist, argon2, pg, ...) ------------------------------------------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

# ---- runtime ------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# GLIBC_TUNABLES: a fixed malloc mmap threshold. Each password hash (argon2id) takes ~19 MiB on a libuv thread; with
# glibc's adaptive threshold those buffers soon come from per-thread arenas that keep them after the hash, about 80 MiB
# of resident memory held for nothing once a few sign-ins have run. Fixed at 1 MiB, big buffers are mapped and
# returned on free.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/app/data \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576

# Code and dependencies stay owned by root (read-only for the app); only the data directory is writable
# (embedded PGlite when DATABASE_URL is unset, development keys).
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data

# Node's compile cache, filled now so that no replica compiles the app at start (about 0.15 s of CPU: see "The
# production build" in docs/operations.md). Its entries are per Node version and per user id, so it is filled by this
# image's node as the user that runs the app (uid 1000, as the Kubernetes manifests set), then made read-only like the
# code: loading the bundles compiles them without starting anything.
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN mkdir -p "$NODE_COMPILE_CACHE" && chown node:node "$NODE_COMPILE_CACHE" \
 && setpriv --reuid=node --regid=node --clear-groups \
      node -e 'require("/app/dist/src/main.js"); require("/app/dist/src/worker.js")' \
 && chown -R root:root "$NODE_COMPILE_CACHE" && chmod -R a+rX "$NODE_COMPILE_CACHE"

# The official image's unprivileged user (uid 1000).
USER node

EXPOSE 3978

# GET /health = the process is alive (no database check, so a slow database never gets the container restarted).
# No curl in the slim image: Node's built-in fetch does the request.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The app handles SIGTERM: stops accepting, finishes in-flight requests (SHUTDOWN_TIMEOUT_MS), closes the database.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
