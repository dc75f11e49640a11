# churnguard's image: compiled JavaScript on a slim Node of the major version the tests run on.
#   docker build -t churnguard .
#   docker run --env-file .env churnguard                    # all roles
#   docker run --env-file .env -e ROLES=worker churnguard    # one role (see README, Operations)
# test/image-recipe.test.ts replays these steps without a Docker engine: keep the two in step.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: dev dependencies and tsc --------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and dist/ only ----------------------------------------
FROM ${NODE_IMAGE} AS runtime
# HOST: inside a container the published port reaches the service only on all interfaces.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force
COPY config ./config
COPY bin ./bin
COPY --from=build /app/dist ./dist
# var/ (inbox, reports) is the one place the service writes; mount a volume there.
RUN mkdir -p /app/var && chown node:node /app/var
USER node
EXPOSE 3000
# Only a process with the http role serves /healthz; a worker- or scheduler-only container
# reports healthy while it runs (its failures show in the queue board and job_runs).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "const r = (process.env.ROLES || 'http').split(',').map((s) => s.trim()); if (!r.includes('http')) process.exit(0); fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));"]
CMD ["node", "dist/main.js"]
