#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's server, initdb in a temp folder as an unprivileged user, loopback only.
# `pg-cluster.sh start` prints "<data dir> <url>" on its last line; `pg-cluster.sh stop <data dir>` stops it and removes the folder.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user that Debian's package creates.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "pg-cluster: PostgreSQL's server is not installed (apt-get install -y postgresql)" >&2
  exit 2
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    data=$(mktemp -d "${TMPDIR:-/tmp}/loom-pg-XXXXXX")
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    # The server's tools fail in a working directory their user cannot read (a root-only checkout): work from here.
    cd "$data"
    as_owner "$bindir/initdb" -D "$data/db" -U loom -A trust -E UTF8 --no-locale >"$data/initdb.log" 2>&1 \
      || { cat "$data/initdb.log" >&2; exit 1; }
    # A free loopback port: ask the kernel for one (a race with another process is retried below).
    for attempt in 1 2 3; do
      port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
      # fsync off: these clusters are thrown away; the tests kill clients, never the server.
      if as_owner "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data/db -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U loom loom_test
        echo "$data postgres://loom@127.0.0.1:$port/loom_test"
        exit 0
      fi
    done
    cat "$data/server.log" >&2
    exit 1
    ;;
  stop)
    data=${2:?usage: pg-cluster.sh stop <data dir>}
    cd /
    as_owner "$bindir/pg_ctl" -D "$data/db" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    ;;
  *)
    echo "usage: pg-cluster.sh start | stop <data dir>" >&2
    exit 2
    ;;
esac
