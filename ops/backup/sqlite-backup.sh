#!/usr/bin/env bash
# Online backup of the embedded mode's SQLite database(s), with retention. Safe while the platform runs:
# sqlite3's `.backup` uses SQLite's online backup API (a consistent copy, WAL included, without stopping
# the writers). SQLite has no binary log, so there is no point-in-time restore: back up as often as the
# data loss you accept (e.g. hourly), or move to MySQL.
#
#   ops/backup/sqlite-backup.sh
#
# Environment:
#   DATA_DIR                 the platform's data directory (./.data): backs up every *.sqlite and *.db file in it
#                            (evcp.sqlite: the application; the Temporal dev server's file when present)
#   SQLITE_BACKUP_DIR        where backups go (./backups/sqlite)
#   BACKUP_RETENTION_DAYS    delete backups older than N days (14; 0 keeps everything)
#   PUSHGATEWAY_URL          report success (kind="sqlite"), optional
# Restore: stop the platform, `gzip -dc <backup> > $DATA_DIR/<name>`, remove the stale <name>-wal and
# <name>-shm files next to it, start again.
set -Eeuo pipefail
umask 077

DATA_DIR="${DATA_DIR:-./.data}"
SQLITE_BACKUP_DIR="${SQLITE_BACKUP_DIR:-./backups/sqlite}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"

SCRIPT_NAME=sqlite-backup
# shellcheck source=ops/backup/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a whole number of days"
command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
mapfile -t databases < <(find "$DATA_DIR" -maxdepth 1 -type f \( -name '*.sqlite' -o -name '*.db' \) | sort)
(( ${#databases[@]} > 0 )) || die "no *.sqlite or *.db file in $DATA_DIR"
mkdir -p "$SQLITE_BACKUP_DIR"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
for database in "${databases[@]}"; do
  name="$(basename "$database")"
  copy="$scratch/$name"
  sqlite3 "$database" ".timeout 10000" ".backup '$copy'" || die "online backup of $database failed"
  [[ "$(sqlite3 "$copy" 'PRAGMA integrity_check')" == ok ]] || die "the copy of $database fails its integrity check"
  target="$SQLITE_BACKUP_DIR/${name}-${stamp}.sqlite.gz"
  gzip -6 -c "$copy" >"$target.partial"
  mv "$target.partial" "$target"
  (cd "$SQLITE_BACKUP_DIR" && sha256sum "$(basename "$target")" >"$(basename "$target").sha256")
  log "wrote $target"
  prune_older_than "$SQLITE_BACKUP_DIR" "${name}-*.sqlite.gz" "$BACKUP_RETENTION_DAYS"
done
report_success sqlite
log "done"
