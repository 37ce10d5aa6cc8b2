#!/bin/sh
# First start: a cluster whose POSTGRES_USER has POSTGRES_PASSWORD (md5 over the network), and POSTGRES_DB.
set -eu
user="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > /tmp/pwfile
  /usr/local/pgbin/initdb -D "$PGDATA" -U "$user" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # As the official image: POSTGRES_DB, by default named after the user.
  db="${POSTGRES_DB:-$user}"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \"$db\" OWNER \"$user\";" | /usr/local/pgbin/postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec /usr/local/pgbin/postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp
