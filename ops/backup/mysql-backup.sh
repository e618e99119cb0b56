#!/usr/bin/env bash
# Consistent logical backup of the platform's MySQL schemas, gzip-compressed, timestamped, with retention.
#
#   ops/backup/mysql-backup.sh                 # dump, verify, prune old dumps
#
# One mysqldump run with --single-transaction dumps every listed schema from the same snapshot, so the
# application data (orders, wallet) and Temporal's state (temporal, temporal_visibility) agree with each
# other. Restore them together with ops/backup/mysql-restore.sh.
#
# The dump also records the binary-log position of its snapshot (and starts a new binary log), so that
# ops/backup/mysql-pitr-restore.sh can replay the binary logs archived by ops/backup/mysql-binlog-backup.sh
# up to any second after it. That needs the binary log on (MySQL 8: on by default; MariaDB: --log-bin).
#
# Environment (credentials never go on a command line; they are written to a private option file):
#   MYSQL_HOST (127.0.0.1)  MYSQL_PORT (3306)  MYSQL_USER (root)
#   MYSQL_PASSWORD or MYSQL_PASSWORD_FILE (a file holding the password, e.g. a Docker/Kubernetes secret)
#   BACKUP_DATABASES        schemas to dump ("evcp temporal temporal_visibility")
#   BACKUP_DIR              where dumps go (./backups)
#   BACKUP_RETENTION_DAYS   delete this script's dumps older than N days (14; 0 keeps everything)
#   BACKUP_PREFIX           file name prefix (evcp-mysql)
#   PUSHGATEWAY_URL         report success for the EvcpFullBackupTooOld alert (optional)
#
# In the compose stack:  docker compose --profile backup run --rm mysql-backup
# The account needs SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, SHOW_ROUTINE, RELOAD and
# REPLICATION CLIENT (or root).
set -Eeuo pipefail
umask 077

BACKUP_DATABASES="${BACKUP_DATABASES:-evcp temporal temporal_visibility}"
BACKUP_DIR="${BACKUP_DIR:-./backups}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"
BACKUP_PREFIX="${BACKUP_PREFIX:-evcp-mysql}"

SCRIPT_NAME=mysql-backup
# shellcheck source=ops/backup/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days"
command -v mysqldump >/dev/null || die "mysqldump not found"
command -v gzip >/dev/null || die "gzip not found"
read -r -a databases <<<"$BACKUP_DATABASES"
(( ${#databases[@]} > 0 )) || die "BACKUP_DATABASES is empty"

mkdir -p "$BACKUP_DIR"
partial=""
cleanup() {
  rm -f "$options_file"
  [[ -n "$partial" ]] && rm -f "$partial"
  return 0
}
trap cleanup EXIT
write_client_options

dump_options=(
  --single-transaction   # consistent InnoDB snapshot without locking the tables
  --quick                # stream rows instead of buffering whole tables
  --routines --events --triggers
  --hex-blob
  --no-tablespaces       # no PROCESS privilege needed
  --add-drop-database    # a restore replaces each schema as a whole
  --default-character-set=utf8mb4
  --flush-logs           # start a new binary log at the snapshot: point-in-time recovery replays from there
)
# The binary-log coordinates of the snapshot, as a comment in the dump's header: the starting point of
# ops/backup/mysql-pitr-restore.sh. Oracle MySQL >= 8.0.26 calls it --source-data, MariaDB --master-data.
if mysqldump --help 2>/dev/null | grep -q -- '--source-data'; then
  dump_options+=(--source-data=2)
else
  dump_options+=(--master-data=2)
fi
# Oracle MySQL's mysqldump: keep GTID statements out so the dump restores into any server.
if mysqldump --help 2>/dev/null | grep -q -- '--set-gtid-purged'; then
  dump_options+=(--set-gtid-purged=OFF)
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/${BACKUP_PREFIX}-${stamp}.sql.gz"
partial="${target}.partial"

log "dumping ${databases[*]} from ${MYSQL_HOST}:${MYSQL_PORT} to $target"
started=$SECONDS
if ! mysqldump --defaults-extra-file="$options_file" "${dump_options[@]}" --databases "${databases[@]}" \
  | gzip -6 >"$partial"; then
  die "mysqldump failed; no backup written"
fi
gzip -t "$partial" || die "the compressed dump is corrupt"
# mysqldump writes this trailer only when it finished without error.
gzip -dc "$partial" | tail -n 1 | grep -q '^-- Dump completed' || die "the dump is incomplete"
mv "$partial" "$target"
partial=""
(cd "$BACKUP_DIR" && sha256sum "$(basename "$target")" >"$(basename "$target").sha256")
log "wrote $target ($(du -h "$target" | cut -f1), $((SECONDS - started)) s)"

prune_older_than "$BACKUP_DIR" "${BACKUP_PREFIX}-*.sql.gz" "$BACKUP_RETENTION_DAYS"
report_success full
log "done"
