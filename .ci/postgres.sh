# Start a throwaway PostgreSQL on 127.0.0.1 for the forum store tests; sourced by .ci/run.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/atscale-pg.XXXXXX)
PG_PORT=${PG_PORT:-55432}
chown postgres "$PG_DIR"
su postgres -c "$PG_BIN/initdb -D $PG_DIR/data -A trust -U postgres" >/dev/null
su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1' -w start" >/dev/null
trap 'su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1 || true' EXIT
su postgres -c "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT atscale_test"
export ATSCALE_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/atscale_test"
