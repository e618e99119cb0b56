# Shared by the ops/backup scripts (sourced, not run): logging, credentials in a private option file,
# and reporting success to a Prometheus Pushgateway.
#
# The sourcing script sets SCRIPT_NAME first. Environment: MYSQL_HOST (127.0.0.1), MYSQL_PORT (3306),
# MYSQL_USER (root), MYSQL_PASSWORD or MYSQL_PASSWORD_FILE; PUSHGATEWAY_URL (optional).

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCRIPT_NAME" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Writes a private [client] option file for the MySQL tools into $options_file (removed on exit):
# the password never appears in `ps` or the shell history.
options_file=""
write_client_options() {
  MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"
  MYSQL_PORT="${MYSQL_PORT:-3306}"
  MYSQL_USER="${MYSQL_USER:-root}"
  if [[ -n "${MYSQL_PASSWORD_FILE:-}" ]]; then
    [[ -r "$MYSQL_PASSWORD_FILE" ]] || die "MYSQL_PASSWORD_FILE $MYSQL_PASSWORD_FILE is not readable"
    MYSQL_PASSWORD="$(<"$MYSQL_PASSWORD_FILE")"
  fi
  [[ -n "${MYSQL_PASSWORD:-}" ]] || die "set MYSQL_PASSWORD or MYSQL_PASSWORD_FILE"
  options_file="$(mktemp)"
  local option_value
  option_value() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }
  {
    echo "[client]"
    echo "host=$(option_value "$MYSQL_HOST")"
    echo "port=$MYSQL_PORT"
    echo "user=$(option_value "$MYSQL_USER")"
    echo "password=$(option_value "$MYSQL_PASSWORD")"
  } >"$options_file"
}

# Runs SQL through the option file; prints tab-separated rows without headers.
sql() { mysql --defaults-extra-file="$options_file" --batch --skip-column-names -e "$1"; }

# Deletes files matching $2 in directory $1 older than $3 days (0 keeps everything), with their .sha256.
prune_older_than() {
  local dir="$1" pattern="$2" days="$3" old
  (( days > 0 )) || return 0
  while IFS= read -r -d '' old; do
    log "retention: removing $old"
    rm -f -- "$old" "$old.sha256"
  done < <(find "$dir" -maxdepth 1 -type f -name "$pattern" -mtime "+$days" -print0)
}

# Tells the Pushgateway (PUSHGATEWAY_URL, optional) that a backup of this kind just succeeded; the alert
# rules EvcpFullBackupTooOld / EvcpBinlogBackupTooOld read evcp_backup_last_success_timestamp_seconds.
report_success() {
  local kind="$1"
  [[ -n "${PUSHGATEWAY_URL:-}" ]] || return 0
  local body
  body="# TYPE evcp_backup_last_success_timestamp_seconds gauge
evcp_backup_last_success_timestamp_seconds $(date +%s)
"
  if command -v curl >/dev/null; then
    curl -fsS --max-time 10 --data-binary "$body" "$PUSHGATEWAY_URL/metrics/job/evcp-backup/kind/$kind" \
      || log "WARNING: could not report to the Pushgateway at $PUSHGATEWAY_URL"
  else
    log "WARNING: no curl; cannot report to the Pushgateway"
  fi
}
