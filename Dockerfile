# paystream image: build with the full toolchain, run with production dependencies only.
#   docker build -t paystream .
#   docker run -p 3000:3000 paystream        (SQLite in /app/data, in-memory cache)
# Multi-instance setup (PostgreSQL, Redis, NATS, 2 API replicas, 1 worker): see compose.yaml.

FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# better-sqlite3 compiles from source when no prebuilt binary matches the platform, so both
# install stages get a compiler; the runtime stage never does.
FROM base AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM toolchain AS prod-deps
RUN npm ci --omit=dev && npm cache clean --force

FROM base AS runtime
ENV NODE_ENV=production
# Inside a container the service must listen on every interface; SQLite files (single-instance
# use) go to /app/data, the only place the non-root user may write.
ENV PAYSTREAM_HOST=0.0.0.0 PAYSTREAM_PORT=3000 PAYSTREAM_DATA_DIR=/app/data
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
# The code and dependencies stay root-owned: the process cannot rewrite them.
USER node
EXPOSE 3000
# Slim images have no curl: node's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PAYSTREAM_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli/bin.js", "serve"]
