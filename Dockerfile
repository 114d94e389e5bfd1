# Pipeline Guard: a small image that runs the Probot server as the unprivileged `node` user.
# Node 22 is the floor: Node 20 is end-of-life, and a runtime dependency declares node >=22.

# ---- build: compile TypeScript (src/ -> lib/) with the dev dependencies -------------------------
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and the compiled output only -----------------------------
FROM node:22-slim
# HOST: `probot run` listens on localhost unless HOST is set; a container listens on all interfaces.
# LOG_FORMAT: Probot logs pretty by default; production logs are pino JSON.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_FORMAT=json \
    PORT=3000
# tini as PID 1: it forwards SIGTERM to Node (which then shuts down gracefully: see README
# "Several replicas") and reaps zombies; Node as PID 1 would ignore the default signal handling.
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no production dependency needs an install script, and none gets to run one.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force
COPY --from=build /app/lib ./lib
# The app's manifest ships with it (Probot's setup page reads app.yml from the working directory).
COPY app.yml ./
# Files stay owned by root: the app can read its code but not change it.
USER node
EXPOSE 3000
# /healthz: the process is alive (/readyz says whether it can work: credentials, Redis, not stopping).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
# src/main.ts refuses to start in production without WEBHOOK_SECRET.
CMD ["node", "lib/main.js"]
