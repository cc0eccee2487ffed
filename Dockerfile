# syntax=docker/dockerfile:1
# One image per service, each a target of this file:
#   docker buildx build --target sync-worker -t ttfd-sync-worker .
# Targets: telegram, discord, website, sync-worker, migrate.

# The Node.js release the Makefile pins for development and CI (NODE_VERSION there), as the
# official image pinned by digest: NODE_IMAGE_DIGEST is the multi-arch index digest (amd64 and
# arm64) of node:<NODE_VERSION>-bookworm-slim, printed by
#   docker buildx imagetools inspect node:24.22.3-bookworm-slim    (the "Digest:" line)
# A tag alone floats with every upstream rebuild; the digest makes a build reproducible and is
# bumped on purpose. These ARG lines are the one place the tag and digest are written:
# .github/scripts/base-image.sh reads and rewrites them, .github/workflows/base-image.yml opens a
# pull request when the tag's digest moves, and images.yml refuses a release build without a pin
# and checks that the pinned image runs Node.js NODE_VERSION on every platform built.
ARG NODE_VERSION=24.22.3
ARG NODE_IMAGE_DIGEST=
ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_DIGEST:+@}${NODE_IMAGE_DIGEST}

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# The package manifests alone, so the install layers below stay cached until a manifest changes.
# The runtime set leaves out the workspaces no image runs (bench, charts): their dependencies
# would otherwise be installed into every image.
FROM base AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests/all /manifests/runtime \
 && cp --parents package.json package-lock.json ./*/package.json ./services/*/package.json /manifests/all/ \
 && cp --parents package.json package-lock.json ./shared/package.json ./services/*/package.json /manifests/runtime/

FROM base AS build
COPY --from=manifests /manifests/all/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY . .
RUN npx tsc --build

# Production dependencies of one workspace (and of @ttfd/shared through it).
FROM base AS deps-telegram
COPY --from=manifests /manifests/runtime/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace services/telegram \
 && mkdir -p shared/node_modules services/telegram/node_modules

FROM base AS deps-discord
COPY --from=manifests /manifests/runtime/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace services/discord \
 && mkdir -p shared/node_modules services/discord/node_modules

FROM base AS deps-website
COPY --from=manifests /manifests/runtime/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace services/website \
 && mkdir -p shared/node_modules services/website/node_modules

FROM base AS deps-sync-worker
COPY --from=manifests /manifests/runtime/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace services/sync-worker \
 && mkdir -p shared/node_modules services/sync-worker/node_modules

FROM base AS deps-migrate
COPY --from=manifests /manifests/runtime/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --workspace services/migrate \
 && mkdir -p shared/node_modules services/migrate/node_modules

# What every service image shares: tini as PID 1 (forwards SIGTERM, reaps children), uid 1000,
# code owned by root and read-only to the service, nothing written outside /tmp.
FROM base AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
COPY --from=build /app/shared/package.json ./shared/
COPY --from=build /app/shared/dist ./shared/dist
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM runtime AS telegram
COPY --from=deps-telegram /app/node_modules ./node_modules
COPY --from=deps-telegram /app/shared/node_modules ./shared/node_modules
COPY --from=deps-telegram /app/services/telegram/node_modules ./services/telegram/node_modules
COPY --from=build /app/services/telegram/package.json ./services/telegram/
COPY --from=build /app/services/telegram/dist ./services/telegram/dist
ENV PORT=8081
EXPOSE 8081
CMD ["node", "services/telegram/dist/main.js"]

FROM runtime AS discord
COPY --from=deps-discord /app/node_modules ./node_modules
COPY --from=deps-discord /app/shared/node_modules ./shared/node_modules
COPY --from=deps-discord /app/services/discord/node_modules ./services/discord/node_modules
COPY --from=build /app/services/discord/package.json ./services/discord/
COPY --from=build /app/services/discord/dist ./services/discord/dist
ENV PORT=8082
EXPOSE 8082
CMD ["node", "services/discord/dist/main.js"]

FROM runtime AS website
COPY --from=deps-website /app/node_modules ./node_modules
COPY --from=deps-website /app/shared/node_modules ./shared/node_modules
COPY --from=deps-website /app/services/website/node_modules ./services/website/node_modules
COPY --from=build /app/services/website/package.json ./services/website/
COPY --from=build /app/services/website/dist ./services/website/dist
COPY --from=build /app/services/website/public ./services/website/public
ENV PORT=3000
EXPOSE 3000
CMD ["node", "services/website/dist/main.js"]

FROM runtime AS sync-worker
COPY --from=deps-sync-worker /app/node_modules ./node_modules
COPY --from=deps-sync-worker /app/shared/node_modules ./shared/node_modules
COPY --from=deps-sync-worker /app/services/sync-worker/node_modules ./services/sync-worker/node_modules
COPY --from=build /app/services/sync-worker/package.json ./services/sync-worker/
COPY --from=build /app/services/sync-worker/dist ./services/sync-worker/dist
ENV PORT=8083
EXPOSE 8083
CMD ["node", "services/sync-worker/dist/main.js"]

# The migration Job and operations CLI: no HTTP port.
FROM runtime AS migrate
COPY --from=deps-migrate /app/node_modules ./node_modules
COPY --from=deps-migrate /app/shared/node_modules ./shared/node_modules
COPY --from=deps-migrate /app/services/migrate/node_modules ./services/migrate/node_modules
COPY --from=build /app/services/migrate/package.json ./services/migrate/
COPY --from=build /app/services/migrate/dist ./services/migrate/dist
HEALTHCHECK NONE
CMD ["node", "services/migrate/dist/main.js", "migrate"]
