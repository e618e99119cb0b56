#!/usr/bin/env bash
# Incremental backup: copies the server's closed binary logs into BINLOG_DIR, with retention. Together with
# the full dumps of ops/backup/mysql-backup.sh they allow a restore to any second
# (ops/backup/mysql-pitr-restore.sh).
#
#   ops/backup/mysql-binlog-backup.sh      # e.g. every 15 minutes
#
# Each run rotates the binary log (FLUSH BINARY LOGS), so everything written up to now sits in a closed
# file, then fetches every closed file not yet archived with `mysqlbinlog --read-from-remote-server --raw`
# (byte-for-byte copies; a closed binary log never changes). The server's own expiry
# (binlog_expire_logs_seconds on MySQL 8, default 30 days; expire_logs_days on MariaDB) must stay longer
# than the interval between two runs.
#
# Environment: MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD or MYSQL_PASSWORD_FILE (ops/backup/lib.sh)
#   BINLOG_DIR              where binary logs go (./backups/binlog)
#   BACKUP_RETENTION_DAYS   delete archived binary logs older than N days (14; 0 keeps everything); keep it
#                           equal to the full dumps' retention, so every kept dump can be rolled forward
#   PUSHGATEWAY_URL         report success for the EvcpBinlogBackupTooOld alert (optional)
# The account needs RELOAD, REPLICATION CLIENT and REPLICATION SLAVE (MySQL: REPLICATION REPLICA), or root.
set -Eeuo pipefail
umask 077

BINLOG_DIR="${BINLOG_DIR:-./backups/binlog}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"

SCRIPT_NAME=mysql-binlog-backup
# shellcheck source=ops/backup/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days"
command -v mysqlbinlog >/dev/null || die "mysqlbinlog not found"
mkdir -p "$BINLOG_DIR"
trap 'rm -f "$options_file"; rm -f "$BINLOG_DIR"/*.partial' EXIT
write_client_options

[[ "$(sql 'SELECT @@log_bin')" == 1 ]] || die "the binary log is off on ${MYSQL_HOST}:${MYSQL_PORT}: start the server with --log-bin"
sql 'FLUSH BINARY LOGS'
# SHOW BINARY LOGS: name and size of every file the server still has; the last one is being written.
mapfile -t logs < <(sql 'SHOW BINARY LOGS' | awk '{ print $1 "\t" $2 }')
(( ${#logs[@]} > 1 )) || { log "no closed binary log yet"; report_success binlog; exit 0; }

copied=0
for entry in "${logs[@]:0:${#logs[@]}-1}"; do
  name="${entry%%$'\t'*}"
  size="${entry##*$'\t'}"
  target="$BINLOG_DIR/$name"
  [[ -f "$target" && "$(stat -c %s "$target")" == "$size" ]] && continue
  # --raw writes <result-file prefix><log name>; fetch into a scratch name, then move into place.
  scratch="$(mktemp -d "$BINLOG_DIR/.fetch.XXXXXX")"
  mysqlbinlog --defaults-extra-file="$options_file" --read-from-remote-server --raw --result-file="$scratch/" "$name" \
    || { rm -rf "$scratch"; die "could not fetch $name"; }
  [[ "$(stat -c %s "$scratch/$name")" == "$size" ]] || { rm -rf "$scratch"; die "$name arrived with the wrong size"; }
  mv "$scratch/$name" "$target"
  rmdir "$scratch"
  (cd "$BINLOG_DIR" && sha256sum "$name" >"$name.sha256")
  copied=$((copied + 1))
done
log "archived $copied new binary log(s) into $BINLOG_DIR (server has ${#logs[@]})"

prune_older_than "$BINLOG_DIR" '*[0-9][0-9][0-9][0-9][0-9][0-9]' "$BACKUP_RETENTION_DAYS"
report_success binlog
log "done"
