#!/bin/sh
# One-shot "temporal-schema" service (temporalio/admin-tools image): creates or upgrades Temporal's two
# MySQL schemas, "temporal" (persistence) and "temporal_visibility" (SQL visibility, no Elasticsearch).
# Idempotent: databases are created IF NOT EXISTS and update-schema only applies missing versions, so it
# runs on every `docker compose up` and is also how a Temporal server upgrade migrates its schema.
#
# Environment: SQL_HOST, SQL_PORT (3306), SQL_USER, SQL_PASSWORD (read by temporal-sql-tool from the
# environment, never on a command line), TEMPORAL_DB (temporal), TEMPORAL_VISIBILITY_DB (temporal_visibility).
set -eu

: "${SQL_HOST:?SQL_HOST must be set}"
: "${SQL_USER:?SQL_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
SQL_PORT="${SQL_PORT:-3306}"
TEMPORAL_DB="${TEMPORAL_DB:-temporal}"
TEMPORAL_VISIBILITY_DB="${TEMPORAL_VISIBILITY_DB:-temporal_visibility}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/mysql/v8}"
export SQL_PASSWORD

echo "temporal-schema: waiting for MySQL at ${SQL_HOST}:${SQL_PORT}"
attempt=0
until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "temporal-schema: MySQL did not open its port" >&2
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin mysql8 --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" "$@"
}

for pair in "$TEMPORAL_DB:temporal" "$TEMPORAL_VISIBILITY_DB:visibility"; do
  db="${pair%%:*}"
  dir="$SCHEMA_ROOT/${pair##*:}/versioned"
  echo "temporal-schema: database $db (schema $dir)"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$dir"
done

echo "temporal-schema: done"
