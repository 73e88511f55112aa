# The Zhongshu hub image: one image for every role (`--role http|worker|all`, see docker-compose.yml).
# Two stages so the compiler, type packages and test tools never reach the runtime image.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first: the npm ci layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY adapters ./adapters
# The web console (src/console) is built by vite into dist/console at `npm run build`.
COPY scripts/build-console.sh ./scripts/build-console.sh
# Build, then drop devDependencies from the same node_modules the build used, so the runtime gets
# exactly the locked production tree (including @temporalio/core-bridge's prebuilt native binary).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# unixODBC and the PostgreSQL and MariaDB/MySQL drivers, so a legacy-erp connector can poll an ERP
# database from the image (SQL Server's msodbcsql18 comes from Microsoft's repository: add it in a
# derived image). The hub loads the odbc module only when such a connector first connects.
RUN apt-get update \
 && apt-get install -y --no-install-recommends unixodbc odbc-postgresql odbc-mariadb \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY mappings ./mappings
# The workflow sources stay: packageRoot() finds the install by package.json next to workflows/,
# and the worker bundles the compiled dist/workflows at start.
COPY workflows ./workflows
# Root owns the files, the hub runs as `node` (uid 1000): a compromised process cannot rewrite its
# own code or mappings.
USER node
EXPOSE 8080
CMD ["node", "bin/zhongshu.js", "start", "--config", "config/zhongshu.yaml"]
