#!/bin/sh
# The image's ENTRYPOINT (and AIRBYTE_ENTRYPOINT): runs `node dist/main.js "$@"`.
#
# - Works from any working directory: the code is found from this script's own location, so Airbyte's
#   `eval "$AIRBYTE_ENTRYPOINT read --config source_config.json ..."` with relative paths works too.
# - Sizes Node's old-space heap at NODE_HEAP_PERCENT (1-100, default 75) percent of the container's memory
#   limit, read from cgroup v2 (memory.max) or v1 (memory.limit_in_bytes), and only when a real limit is
#   set. A --max-old-space-size already present in NODE_OPTIONS wins.
# - Sets the young generation (--max-semi-space-size=16) unless NODE_OPTIONS already does.
# - Writes nothing to stdout: stdout carries Airbyte protocol messages only.
set -eu

case "$0" in
  */*) script_dir=${0%/*} ;;
  *) script_dir=. ;;
esac
app_dir=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)

# Prints the memory limit in bytes, or nothing when there is none.
memory_limit_bytes() {
  limit=''
  # cgroup v2: the container's own cgroup is mounted at /sys/fs/cgroup (cgroup namespace) ...
  if [ -r /sys/fs/cgroup/memory.max ]; then
    read -r limit < /sys/fs/cgroup/memory.max || true
  # ... or, without a cgroup namespace, found through /proc/self/cgroup ("0::/path").
  elif [ -r /proc/self/cgroup ]; then
    while IFS= read -r line; do
      case "$line" in
        0::/*)
          path=${line#0::}
          if [ -r "/sys/fs/cgroup$path/memory.max" ]; then
            read -r limit < "/sys/fs/cgroup$path/memory.max" || true
          fi ;;
      esac
    done < /proc/self/cgroup
  fi
  # cgroup v1 (also hybrid hosts, where the v2 tree carries no memory controller).
  if [ -z "$limit" ] && [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    read -r limit < /sys/fs/cgroup/memory/memory.limit_in_bytes || true
  fi
  case "$limit" in
    '' | max | *[!0-9]*) return 0 ;;  # unset, "max", or not a number: no limit
  esac
  # v1 reports "no limit" as a huge page-aligned number (9223372036854771712); anything of 16 digits or
  # more (>= ~1 PB) is no real limit. Comparing lengths avoids 64-bit overflow in shell arithmetic.
  if [ "${#limit}" -ge 16 ]; then return 0; fi
  printf '%s\n' "$limit"
}

case " ${NODE_OPTIONS:-} " in
  *' --max-old-space-size='* | *' --max_old_space_size='*) ;;  # the user chose a heap size
  *)
    limit=$(memory_limit_bytes)
    if [ -n "$limit" ]; then
      percent=${NODE_HEAP_PERCENT:-75}
      case "$percent" in '' | *[!0-9]* | 0 | 0*) percent=75 ;; esac
      if [ "${#percent}" -gt 3 ] || [ "$percent" -gt 100 ]; then percent=75; fi
      heap_mb=$(( limit * percent / 100 / 1048576 ))
      if [ "$heap_mb" -ge 16 ]; then
        NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-old-space-size=$heap_mb"
        export NODE_OPTIONS
        if [ "${LOG_LEVEL:-}" = debug ]; then
          echo "entrypoint: memory limit $limit bytes; NODE_OPTIONS=$NODE_OPTIONS" >&2
        fi
      fi
    fi ;;
esac

# The young generation at 16 MiB a semi-space (Node 20's default) unless NODE_OPTIONS sets one: Node 24 sizes it
# from the machine's memory, and the M read then peaked at ~310 MB RSS instead of ~215 MB (docs/performance.md).
case " ${NODE_OPTIONS:-} " in
  *' --max-semi-space-size='* | *' --max_semi_space_size='*) ;;
  *)
    NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-semi-space-size=16"
    export NODE_OPTIONS ;;
esac

exec node "$app_dir/dist/main.js" "$@"
