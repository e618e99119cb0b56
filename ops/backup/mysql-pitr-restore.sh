#!/usr/bin/env bash
# Point-in-time restore: the newest full dump taken before the target second, then the archived binary
# logs replayed from the dump's snapshot up to and including that second. DESTRUCTIVE, like
# ops/backup/mysql-restore.sh (which it runs for the dump).
#
#   ops/backup/mysql-pitr-restore.sh --yes --to '2026-03-01 10:15:42' [--dump <file.sql.gz>]
#
# --to is UTC. Everything committed up to the end of that second is restored, nothing after it. The
# binary logs replayed are those in BINLOG_DIR (ops/backup/mysql-binlog-backup.sh): run that script once
# more first if the server is still up, so the newest writes are archived too.
#
# The replay applies every schema's events of the server from the dump's snapshot on; restore into the
# server the backups came from, or into a fresh one holding only these schemas.
#
# Environment: MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD or MYSQL_PASSWORD_FILE (ops/backup/lib.sh)
#   BACKUP_DIR (./backups)  BACKUP_PREFIX (evcp-mysql)  BINLOG_DIR (./backups/binlog)
# In the compose stack (stop the writers first, as for mysql-restore.sh):
#   docker compose --profile backup run --rm mysql-backup /ops/backup/mysql-pitr-restore.sh --yes --to '…'
set -Eeuo pipefail
umask 077

usage() { echo "usage: $0 --yes --to 'YYYY-MM-DD HH:MM:SS' [--dump <file.sql.gz>]" >&2; exit 2; }
SCRIPT_NAME=mysql-pitr-restore
# shellcheck source=ops/backup/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"

BACKUP_DIR="${BACKUP_DIR:-./backups}"
BACKUP_PREFIX="${BACKUP_PREFIX:-evcp-mysql}"
BINLOG_DIR="${BINLOG_DIR:-./backups/binlog}"

confirmed=0 target="" dump=""
while (( $# )); do
  case "$1" in
    --yes|-y) confirmed=1 ;;
    --to) shift; target="${1:-}" ;;
    --dump) shift; dump="${1:-}" ;;
    *) usage ;;
  esac
  shift
done
[[ "$target" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}[T\ ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?$ ]] || usage
(( confirmed )) || die "this replaces the schemas of the dump and replays the binary logs; pass --yes to confirm"
command -v mysqlbinlog >/dev/null || die "mysqlbinlog not found"
normalized="${target%Z}"
target_epoch="$(date -u -d "${normalized/T/ } UTC" +%s)" || die "--to $target is not a time"
target_stamp="$(date -u -d "@$target_epoch" +%Y%m%dT%H%M%SZ)"

# The newest dump whose file-name stamp (when it started) is not after the target.
if [[ -z "$dump" ]]; then
  while IFS= read -r candidate; do
    stamp="${candidate##*/"$BACKUP_PREFIX"-}"
    stamp="${stamp%.sql.gz}"
    [[ "$stamp" > "$target_stamp" ]] || dump="$candidate"
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name "${BACKUP_PREFIX}-*.sql.gz" | sort)
  [[ -n "$dump" ]] || die "no full dump in $BACKUP_DIR was taken before $target"
fi

# The snapshot's binary-log coordinates, written by mysqldump --source-data=2 / --master-data=2, near the top.
# sed quits after line 60; gzip then dies of SIGPIPE, which is expected, so its status is not the pipeline's
# (under pipefail it silently ended the script once dumps grew past the pipe's buffer).
coordinates="$( { gzip -dc "$dump" || true; } | sed -n "1,60{s/.*\(SOURCE\|MASTER\)_LOG_FILE='\([^']*\)', *\(SOURCE\|MASTER\)_LOG_POS=\([0-9]*\).*/\2 \4/p};60q" | head -n 1)"
[[ -n "$coordinates" ]] || die "$dump records no binary-log position (made before point-in-time backups were set up?)"
read -r start_file start_position <<<"$coordinates"

mapfile -t replay < <(find "$BINLOG_DIR" -maxdepth 1 -type f -name '*.[0-9][0-9][0-9][0-9][0-9][0-9]' | sort | awk -v first="$start_file" '{ n = $0; sub(/.*\//, "", n) } n >= first')
[[ ${#replay[@]} -gt 0 && "$(basename "${replay[0]}")" == "$start_file" ]] || die "$start_file, where $dump starts, is not in $BINLOG_DIR"
for file in "${replay[@]}"; do
  [[ -f "$file.sha256" ]] && { (cd "$BINLOG_DIR" && sha256sum -c --quiet "$(basename "$file").sha256") || die "checksum mismatch for $file"; }
done

"$here/mysql-restore.sh" --yes "$dump"

trap 'rm -f "$options_file"' EXIT
write_client_options
# mysqlbinlog reads --stop-datetime in its own time zone and stops before the first event at or after it.
stop="$(date -u -d "@$((target_epoch + 1))" '+%Y-%m-%d %H:%M:%S')"
log "replaying ${#replay[@]} binary log(s) from $start_file:$start_position up to $target UTC"
if ! TZ=UTC mysqlbinlog --start-position="$start_position" --stop-datetime="$stop" "${replay[@]}" \
  | mysql --defaults-extra-file="$options_file" --binary-mode; then
  die "the binary-log replay failed part-way; the data stands somewhere between the dump and $target"
fi
log "restored to $target UTC"
