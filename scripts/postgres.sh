#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, listening on
# 127.0.0.1 only, on the first free port from 55432. Installs Debian's PostgreSQL when it is missing.
#
#   scripts/postgres.sh run -- CMD…   start a cluster, run CMD with TEST_DATABASE_URL set, stop it
#   scripts/postgres.sh start         start one and print `export TEST_DATABASE_URL=…` and how to stop it
#   scripts/postgres.sh stop DIR      stop the cluster started in DIR and remove DIR
#
# The cluster trusts every local connection and runs with fsync off: it holds test data only.
# Two settings for the bench (server/bench/postgres.ts):
#   POSTGRES_DIR=DIR    keep the cluster in DIR: created there once, started again from it later,
#                       and `stop` leaves it in place (the bench's seeded databases live there)
#   POSTGRES_DURABLE=1  fsync, synchronous_commit and full_page_writes on (PostgreSQL's defaults),
#                       so that write figures are what a production server's would be
#   POSTGRES_OPTIONS="-c name=value …"   more server settings
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bindir() {
  local dir
  # Newest major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

ensure_installed() {
  if find_bindir >/dev/null; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    log "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q postgresql >&2
  find_bindir >/dev/null || { log "PostgreSQL installed but initdb was not found"; exit 1; }
}

# initdb and postgres refuse to run as root: as root, the cluster belongs to the postgres user.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_cluster() {
  ensure_installed
  local bindir dir port
  bindir=$(find_bindir)
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  if [[ -n ${POSTGRES_DIR:-} ]]; then
    dir=$(realpath -m "$POSTGRES_DIR")
    mkdir -p "$dir"
    touch "$dir/keep"
    # Left running by a bench that was killed: stopped, to start with this run's settings.
    [[ -f "$dir/data/postmaster.pid" ]] && { as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true; }
  else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/panta-postgres.XXXXXX")
  fi
  chmod 755 "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
  if [[ ! -f "$dir/data/PG_VERSION" || $(cat "$dir/data/PG_VERSION") != $("$bindir/postgres" --version | awk '{print $3}' | cut -d. -f1) ]]; then
    rm -rf "$dir/data"
    as_owner "$bindir/initdb" --pgdata="$dir/data" --username=postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ ${POSTGRES_DURABLE:-} == 1 ]] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  for port in $(seq 55432 55532); do
    port_in_use "$port" && continue
    if as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 $durability ${POSTGRES_OPTIONS:-}" \
      start >/dev/null; then
      echo "$dir" >"$dir/dir"
      echo "$port" >"$dir/port"
      echo "$dir"
      return 0
    fi
    # Somebody took the port between the check and the start: try the next one.
    tail -n 5 "$dir/server.log" >&2 || true
  done
  log "no free port between 55432 and 55532"
  exit 1
}

stop_cluster() {
  local dir=$1 bindir
  [[ -d "$dir/data" ]] || return 0
  bindir=$(find_bindir)
  if [[ -f "$dir/keep" ]]; then
    # A kept cluster stops cleanly: it starts again from its files, without recovery.
    as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    return 0
  fi
  as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

url_of() { echo "postgres://postgres@127.0.0.1:$(cat "$1/port")/postgres"; }

command=${1:-}
case "$command" in
  run)
    shift
    [[ ${1:-} == "--" ]] && shift
    [[ $# -gt 0 ]] || { log "usage: scripts/postgres.sh run -- CMD…"; exit 2; }
    dir=$(start_cluster)
    trap 'stop_cluster "$dir"' EXIT
    trap 'exit 130' INT TERM
    export TEST_DATABASE_URL
    TEST_DATABASE_URL=$(url_of "$dir")
    log "PostgreSQL $("$(find_bindir)/postgres" --version | awk '{print $3}') at $TEST_DATABASE_URL"
    set +e
    "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  start)
    dir=$(start_cluster)
    echo "export TEST_DATABASE_URL=$(url_of "$dir")"
    echo "# stop it with: bash scripts/postgres.sh stop $dir"
    ;;
  stop)
    [[ -n ${2:-} ]] || { log "usage: scripts/postgres.sh stop DIR"; exit 2; }
    stop_cluster "$2"
    ;;
  *)
    log "usage: scripts/postgres.sh run -- CMD… | start | stop DIR"
    exit 2
    ;;
esac
