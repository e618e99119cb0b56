#!/usr/bin/env bash
# Restores a dump written by ops/backup/mysql-backup.sh. DESTRUCTIVE: every schema in the dump is dropped
# and recreated (the dump carries DROP DATABASE / CREATE DATABASE for each of them).
#
#   ops/backup/mysql-restore.sh --yes <backups/evcp-mysql-YYYYMMDDTHHMMSSZ.sql.gz>
#
# Before restoring, stop everything that writes to these schemas, Temporal included:
#   docker compose stop api worker gateway simulator temporal temporal-ui
# then restore, then start again (`docker compose up -d`): the temporal-schema and migrate one-shots bring
# an older dump's schemas up to the current versions. Restore the application schema and Temporal's
# schemas from the SAME dump: a session workflow and the order rows it wrote must come from one moment.
#
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306), MYSQL_USER (root),
#              MYSQL_PASSWORD or MYSQL_PASSWORD_FILE. Credentials go to a private option file only.
# In the compose stack:
#   docker compose --profile backup run --rm mysql-backup /ops/backup/mysql-restore.sh --yes /backups/<file>
set -Eeuo pipefail
umask 077

usage() { echo "usage: $0 --yes <dump.sql.gz>" >&2; exit 2; }
SCRIPT_NAME=mysql-restore
# shellcheck source=ops/backup/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

confirmed=0
dump=""
while (( $# )); do
  case "$1" in
    --yes|-y) confirmed=1 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [[ -z "$dump" ]] || usage; dump="$1" ;;
  esac
  shift
done
[[ -n "$dump" ]] || usage
[[ -r "$dump" ]] || die "$dump is not readable"
(( confirmed )) || die "this replaces the schemas contained in $dump; pass --yes to confirm"

command -v mysql >/dev/null || die "mysql client not found"

# Integrity first: checksum written by the backup (when present) and a full gzip test.
if [[ -f "$dump.sha256" ]]; then
  (cd "$(dirname "$dump")" && sha256sum -c --quiet "$(basename "$dump").sha256") || die "checksum mismatch for $dump"
  log "checksum ok"
else
  log "no $dump.sha256 next to the dump; skipping the checksum"
fi
gzip -t "$dump" || die "$dump is not a valid gzip file"
gzip -dc "$dump" | tail -n 1 | grep -q '^-- Dump completed' || die "$dump is incomplete (no completion trailer)"

trap 'rm -f "$options_file"' EXIT
write_client_options

# shellcheck disable=SC2016  # the backticks are literal SQL quoting
schemas="$(gzip -dc "$dump" | sed -n 's/^CREATE DATABASE \(\/\*!32312 IF NOT EXISTS\*\/ \)\{0,1\}`\([^`]*\)`.*/\2/p' | tr '\n' ' ')"
log "restoring ${schemas:-<unknown schemas>}from $dump into ${MYSQL_HOST}:${MYSQL_PORT}"
started=$SECONDS
if ! gzip -dc "$dump" | mysql --defaults-extra-file="$options_file" --default-character-set=utf8mb4 --binary-mode; then
  die "the restore failed part-way: the schemas may be incomplete; fix the cause and run it again"
fi
log "restored in $((SECONDS - started)) s; start the stack again so the schema one-shots run"
