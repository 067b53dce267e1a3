#!/usr/bin/env bash
# A throwaway PostgreSQL for the test suite, on 127.0.0.1 only.
#
#   eval "$(bash .ci/postgres.sh start)"   # installs if missing, starts, prints the export line
#   bash .ci/postgres.sh stop              # stops it and removes the cluster
#
# Only the `export TEST_DATABASE_URL=...` line goes to stdout; everything else to stderr.
# Both subcommands are idempotent: a second `start` reuses the running cluster.
set -euo pipefail

DIR="${PGCI_DIR:-${TMPDIR:-/tmp}/interview-bot-pg}"
DB="interview_bot_test"

say() { echo "postgres.sh: $*" >&2; }

pg_bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/pg_ctl" ]]; then
        echo "$d"
    elif command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
    fi
}

install_pg() {
    if [[ -n "$(pg_bindir)" ]]; then
        return
    fi
    if [[ $(id -u) -ne 0 ]]; then
        say "PostgreSQL is not installed and we are not root: apt-get install postgresql"
        exit 1
    fi
    say "installing PostgreSQL from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
}

# Run a command as the cluster's owner: postgres when we are root (initdb refuses root).
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {
    local bin="$1"
    [[ -f "$DIR/port" && -f "$DIR/data/postmaster.pid" ]] &&
        as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

print_url() {
    echo "export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/$DB"
}

start() {
    install_pg
    local bin port
    bin="$(pg_bindir)"
    if running "$bin"; then
        say "already running on port $(cat "$DIR/port")"
        print_url
        return
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres:postgres "$DIR"
    fi
    chmod 700 "$DIR"
    as_owner "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; exit 1; }
    port="$(free_port)"
    # A test server: no durability needed, so no fsync; only 127.0.0.1 and a private socket.
    as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$DIR \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >&2 ||
        { cat "$DIR/server.log" >&2; exit 1; }
    echo "$port" >"$DIR/port"
    # A language-aware default collation (ICU en-US, where the server has ICU): the tests then
    # show that orderings and tie-breaks are bytewise, as in SQLite, whatever the server's locale.
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres -T template0 \
        --locale-provider=icu --icu-locale=en-US "$DB" >&2 2>/dev/null ||
        as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB" >&2
    say "started on 127.0.0.1:$port (cluster in $DIR)"
    print_url
}

stop() {
    local bin
    bin="$(pg_bindir)"
    if [[ -n "$bin" && -f "$DIR/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$DIR"
    say "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
