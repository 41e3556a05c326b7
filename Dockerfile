# The genrf-collector daemon (used by docker-compose.yml). Node.js 24, compiled with the
# repository's own build (`npm ci` runs `prepare`: tsc -> dist), production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY scripts/copy-assets.ts ./scripts/
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production GENRF_DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY pipelines ./pipelines
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# OTLP gRPC, OTLP HTTP, self metrics, prometheus exporter, health (pipelines/default.yaml)
EXPOSE 4317 4318 8888 8889 13133
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:13133/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "bin/genrf-collector.js"]
CMD ["run", "--config", "pipelines/default.yaml"]
