# syntax=docker/dockerfile:1
# Parley: one process, one volume. Build: docker build -t parley .
# Run:   docker run -d --name parley -p 3000:3000 -v parley-data:/data parley

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# No npm update check (a registry request and a notice) on every `docker exec parley npm run backup`.
ENV NODE_ENV=production DATA_DIR=/data HOST=0.0.0.0 PORT=3000 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/db/migrations ./db/migrations
COPY --from=build /app/scripts/ensure-build.mjs ./scripts/ensure-build.mjs
COPY docker/entrypoint.sh /usr/local/bin/parley-entrypoint
RUN chmod 0755 /usr/local/bin/parley-entrypoint && mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini is PID 1: it forwards SIGTERM to node (which drains) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--", "parley-entrypoint"]
CMD ["node", "dist/server/main.js"]
