#!/bin/bash
# MySQL first-start hook (/docker-entrypoint-initdb.d, runs once, on an empty data directory only).
# Creates the account Temporal uses for its two schemas, with rights on those schemas only:
#   TEMPORAL_DB_USER (default "temporal") / TEMPORAL_DB_PASSWORD on `temporal`.* and `temporal_visibility`.*
# The application account (MYSQL_USER / MYSQL_PASSWORD on MYSQL_DATABASE) is created by the image itself.
#
# The entrypoint sources this file (it is not executable in the image's eyes when mounted 0644) and then
# docker_process_sql is available; when executed instead, it falls back to the mysql client on the socket.
# No "set -u"/"set -e" here: a sourced file would change the entrypoint's own shell options.

if [ -z "${TEMPORAL_DB_PASSWORD:-}" ]; then
  echo >&2 "10-temporal-user.sh: TEMPORAL_DB_PASSWORD is not set"
  exit 1
fi
temporal_user="${TEMPORAL_DB_USER:-temporal}"

# Escape for a single-quoted SQL string literal.
sql_quote() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"; }
user_sql=$(sql_quote "$temporal_user")
password_sql=$(sql_quote "$TEMPORAL_DB_PASSWORD")

statements="
CREATE USER IF NOT EXISTS '${user_sql}'@'%' IDENTIFIED BY '${password_sql}';
GRANT ALL PRIVILEGES ON \`temporal\`.* TO '${user_sql}'@'%';
GRANT ALL PRIVILEGES ON \`temporal_visibility\`.* TO '${user_sql}'@'%';
FLUSH PRIVILEGES;
"

if declare -F docker_process_sql >/dev/null; then
  docker_process_sql --database=mysql <<<"$statements"
else
  MYSQL_PWD="${MYSQL_ROOT_PASSWORD:-}" mysql --protocol=socket -uroot --database=mysql <<<"$statements"
fi
echo "10-temporal-user.sh: account '${temporal_user}' can use the temporal and temporal_visibility schemas"
