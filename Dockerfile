# plandraft server image: the API (`plandraft serve`) with the CLI for one-off commands.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY graphs ./graphs
COPY web ./web
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PLANDRAFT_HOST=0.0.0.0 \
    PLANDRAFT_PORT=8080
WORKDIR /app
# git reads the workspace's checkouts (PLANDRAFT_WORKSPACE); they are mounted read-only and owned
# by the host's user, so git must not refuse them as another user's.
RUN apt-get update && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory '*'
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json langgraph.json ./
COPY bin ./bin
COPY templates ./templates
COPY prompts ./prompts
COPY migrations ./migrations
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "bin/plandraft.js"]
CMD ["serve"]
