#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's server, initdb in a temp folder as an unprivileged user, loopback only.
# `pg-cluster.sh start` prints "<data dir> <url>" on its last line; `pg-cluster.sh stop <data dir>` stops it and removes the folder.
# `pg-cluster.sh start --tls`: a cluster that takes TCP connections over TLS only, with a client certificate (user loom);
# <data dir>/tls holds a test CA (ca.crt), the server's certificate for the name localhost (not for 127.0.0.1), the
# client's (client.crt, client.key) and a CA that signed none of them (other-ca.crt).
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
    tls_options=""
    if [ "${2:-}" = "--tls" ]; then
      # Made by the server's user, so that it may read its key (which must be private to it).
      as_owner bash -c '
        set -euo pipefail
        cd "$1" && mkdir tls && cd tls
        ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        openssl req -x509 $ec -days 2 -subj "/CN=loom test CA" -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -x509 $ec -days 2 -subj "/CN=another CA" -keyout other-ca.key -out other-ca.crt 2>/dev/null
        for who in server client; do
          cn=$([ "$who" = server ] && echo localhost || echo loom)
          openssl req $ec -subj "/CN=$cn" -keyout "$who.key" -out "$who.csr" 2>/dev/null
          [ "$who" = server ] && echo "subjectAltName=DNS:localhost" > "$who.ext" || : > "$who.ext"
          openssl x509 -req -in "$who.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile "$who.ext" \
            -out "$who.crt" 2>/dev/null
        done
        chmod 600 ./*.key
        # TCP only over TLS, with a client certificate whose name is the user; the socket stays open for set-up.
        printf "local all all trust\nhostssl all all 127.0.0.1/32 cert\nhostssl all all ::1/128 cert\n" > ../db/pg_hba.conf
      ' _ "$data"
      tls_options="-c ssl=on -c ssl_cert_file=$data/tls/server.crt -c ssl_key_file=$data/tls/server.key -c ssl_ca_file=$data/tls/ca.crt"
    fi
    # A free loopback port: ask the kernel for one (a race with another process is retried below).
    for attempt in 1 2 3; do
      port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
      # fsync off: these clusters are thrown away; the tests kill clients, never the server.
      if as_owner "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k $data/db -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200 $tls_options" \
        start >/dev/null; then
        as_owner "$bindir/createdb" -h "$data/db" -p "$port" -U loom loom_test
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
