# Airbyte source connector for Pinterest (TypeScript).
#
#   docker build -t airbyte/source-pinterest:0.1.0 .
#   docker run --rm airbyte/source-pinterest:0.1.0 spec
#
# BASE_IMAGE is a build argument so that CI, which reaches no container registry, can substitute a local
# stand-in carrying the same Node major (scripts/verify-docker.sh). Node 24 is an LTS line.
ARG BASE_IMAGE=node:24-bookworm-slim

# ---- build: dev dependencies, type-check, then one bundled dist/main.js (scripts/bundle.js) ----
FROM ${BASE_IMAGE} AS build
WORKDIR /build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts/bundle.js scripts/main-loader.js ./scripts/
COPY src ./src
# dist/ holds the whole program: connector.js with every dependency inside, main.js that loads it, the source
# map and the dependencies' licences. The runtime stage needs no node_modules. The code cache goes: V8 refuses
# it under the V8 flags bin/entrypoint.sh puts in NODE_OPTIONS (the heap sizes).
RUN npm run build && rm dist/connector.cache
COPY bin/entrypoint.sh ./bin/entrypoint.sh
RUN chmod 0755 ./bin/entrypoint.sh

# ---- runtime: dist/, spec.json and package.json only ----
FROM ${BASE_IMAGE}
ENV NODE_ENV=production
WORKDIR /airbyte/integration_code
COPY --from=build /build/dist ./dist
COPY --from=build /build/bin/entrypoint.sh ./bin/entrypoint.sh
# dist/main.js reads spec.json and package.json from join(__dirname, '..').
COPY package.json spec.json ./

ENV AIRBYTE_ENTRYPOINT="/airbyte/integration_code/bin/entrypoint.sh"
ENTRYPOINT ["/airbyte/integration_code/bin/entrypoint.sh"]

LABEL io.airbyte.name="airbyte/source-pinterest" \
      io.airbyte.version="0.1.0"

# The code stays owned by root (read-only to the connector); the connector runs as the base image's
# unprivileged user `node` (uid 1000).
USER node
