#!/usr/bin/env bash
# Restore drill (CI): proves that the backups of ops/backup restore orders and wallets exactly as they
# were at a chosen second, on a real MariaDB with the project's own schema.
#
#   ops/backup/restore-drill.sh        # from the repository root, after `npm run build`
#
# 1. starts a private mariadbd (temporary data directory, a free port, binary log on) — the machine's
#    shared server on 3306 is never touched — and migrates the schema with `node dist/db/migrate.js`;
# 2. a full backup (mysql-backup.sh), then sessions with their wallet movements and orders; notes the
#    second T and the orders and wallets at T; then more sessions and top-ups after T;
# 3. archives the binary logs (mysql-binlog-backup.sh), destroys the schema (DROP DATABASE);
# 4. restores to T (mysql-pitr-restore.sh) and checks that orders and wallets equal those noted at T;
# 5. the embedded SQLite: an online backup (sqlite-backup.sh) taken while a writer holds the database
#    open passes its integrity check and holds the same rows.
# Everything it started or wrote is removed on exit. Takes about 15 s.
set -Eeuo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/../.."
here=ops/backup

say() { printf 'restore-drill: %s\n' "$*"; }
fail() { say "FAIL: $*" >&2; exit 1; }
for tool in mariadb-install-db mariadbd mariadb mysqldump mysqlbinlog sqlite3 node; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install mariadb-server mariadb-client sqlite3)"
done
[[ -f dist/db/migrate.js ]] || fail "dist/db/migrate.js is missing: run npm run build first"

work="$(mktemp -d /tmp/evcp-restore-drill.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port="$(free_port)"
socket="$work/mysqld.sock"

say "starting a private MariaDB on 127.0.0.1:$port with the binary log on"
mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$work/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "mariadb-install-db failed"; }
mariadbd --no-defaults --user="$(id -un)" --datadir="$work/data" --socket="$socket" --port="$port" \
  --bind-address=127.0.0.1 --log-bin="$work/data/binlog" --server-id=1 --binlog-format=ROW \
  --innodb-buffer-pool-size=32M --skip-name-resolve --pid-file="$work/mysqld.pid" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do mariadb --no-defaults -S "$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
mariadb --no-defaults -S "$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1 || { cat "$work/server.log" >&2; fail "the drill's MariaDB did not start"; }

password="drill-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
mariadb --no-defaults -S "$socket" -uroot -e "
  CREATE USER 'drill'@'127.0.0.1' IDENTIFIED BY '$password';
  GRANT ALL PRIVILEGES ON *.* TO 'drill'@'127.0.0.1';
  CREATE DATABASE evcp CHARACTER SET utf8mb4;"
export MYSQL_HOST=127.0.0.1 MYSQL_PORT="$port" MYSQL_USER=drill MYSQL_PASSWORD="$password"
export BACKUP_DATABASES=evcp BACKUP_DIR="$work/backups" BINLOG_DIR="$work/backups/binlog"
db() { mariadb --no-defaults -h127.0.0.1 -P"$port" -udrill -p"$password" --batch --skip-column-names evcp "$@"; }

MYSQL_URL="mysql://drill:$password@127.0.0.1:$port/evcp" LOG_LEVEL=warn node dist/db/migrate.js >/dev/null

# One driver's top-up, and one finished session: hold, order, capture, release — the writes settlement makes.
top_up() { # user amount key
  echo "UPDATE wallets SET balance_fen = balance_fen + $2, updated_at = NOW(3) WHERE user_id = '$1';
  INSERT INTO wallet_transactions (user_id, kind, amount_fen, balance_after_fen, held_after_fen, idempotency_key, created_at)
    SELECT user_id, 'top_up', $2, balance_fen, held_fen, 'top-up-$3', NOW(3) FROM wallets WHERE user_id = '$1';"
}
settled_session() { # user session energy_wh total_fen hold_fen
  echo "START TRANSACTION;
  INSERT INTO charging_sessions (id, user_id, pile_id, station_id, status, status_seq, workflow_id, limits, tariff, held_fen, energy_wh, created_at, updated_at)
    VALUES ('$2', '$1', 'drill-p01', 'drill-station', 'COMPLETED', 7, 'charging-session-$2', '{}', '{}', $5, $3, NOW(3), NOW(3));
  UPDATE wallets SET balance_fen = balance_fen - $4, updated_at = NOW(3) WHERE user_id = '$1';
  INSERT INTO wallet_transactions (user_id, kind, amount_fen, balance_after_fen, held_after_fen, session_id, idempotency_key, created_at)
    SELECT user_id, 'capture', $4, balance_fen, held_fen, '$2', 'capture-$2', NOW(3) FROM wallets WHERE user_id = '$1';
  INSERT INTO orders (id, session_id, user_id, station_id, pile_id, energy_wh, total_fen, captured_fen, released_fen, bill, created_at)
    VALUES (UUID(), '$2', '$1', 'drill-station', 'drill-p01', $3, $4, $4, $5 - $4, '{}', NOW(3));
  COMMIT;"
}
orders_and_wallets() {
  db -e "SELECT session_id, user_id, energy_wh, total_fen, captured_fen, released_fen FROM orders ORDER BY session_id;
         SELECT user_id, balance_fen, held_fen FROM wallets ORDER BY user_id;
         SELECT user_id, kind, amount_fen, balance_after_fen, idempotency_key FROM wallet_transactions ORDER BY idempotency_key;"
}

db -e "INSERT INTO users (id, name, role, created_at, updated_at) VALUES ('u-alice', 'Alice', 'driver', NOW(3), NOW(3)), ('u-bob', 'Bob', 'driver', NOW(3), NOW(3));
       INSERT INTO wallets (user_id, balance_fen, held_fen, updated_at) VALUES ('u-alice', 0, 0, NOW(3)), ('u-bob', 0, 0, NOW(3));
       $(top_up u-alice 20000 a1) $(top_up u-bob 5000 b1)"

say "full backup"
bash "$here/mysql-backup.sh" 2>"$work/backup.log" || { cat "$work/backup.log" >&2; fail "mysql-backup.sh failed"; }

db -e "$(settled_session u-alice s-0001 12000 1860 5000) $(settled_session u-bob s-0002 3500 620 2000) $(top_up u-bob 3000 b2)"
# T: the second in which the last write above committed; the writes below land in later seconds.
point="$(db -e "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s')")"
orders_and_wallets >"$work/at-point.tsv"
while [[ "$(db -e "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s')")" == "$point" ]]; do sleep 0.05; done
db -e "$(settled_session u-alice s-0003 8000 1240 5000) $(top_up u-alice 10000 a2) UPDATE wallets SET balance_fen = 0 WHERE user_id = 'u-bob';"
orders_and_wallets >"$work/after-point.tsv"
cmp -s "$work/at-point.tsv" "$work/after-point.tsv" && fail "the writes after T changed nothing; the drill would prove nothing"

say "binary-log backup, then the schema is destroyed"
bash "$here/mysql-binlog-backup.sh" 2>"$work/binlog.log" || { cat "$work/binlog.log" >&2; fail "mysql-binlog-backup.sh failed"; }
db -e "DROP DATABASE evcp"

say "point-in-time restore to $point UTC"
bash "$here/mysql-pitr-restore.sh" --yes --to "$point" 2>"$work/pitr.log" || { cat "$work/pitr.log" >&2; fail "mysql-pitr-restore.sh failed"; }
orders_and_wallets >"$work/restored.tsv"
if ! diff -u "$work/at-point.tsv" "$work/restored.tsv"; then
  fail "orders and wallets after the restore differ from those at $point"
fi
say "orders, wallets and wallet movements are exactly as at $point"

say "embedded SQLite: online backup while a writer holds the database open"
sqlite_dir="$work/sqlite"
mkdir -p "$sqlite_dir"
sqlite3 "$sqlite_dir/evcp.sqlite" "PRAGMA journal_mode=WAL; CREATE TABLE orders (id TEXT PRIMARY KEY, total_fen INTEGER NOT NULL);
  INSERT INTO orders VALUES ('o-1', 1860), ('o-2', 620);" >/dev/null
# A writer that keeps its connection and an uncheckpointed WAL open during the backup.
{ echo "INSERT INTO orders VALUES ('o-3', 1240);"; sleep 2; } | sqlite3 "$sqlite_dir/evcp.sqlite" &
writer=$!
sleep 0.3
DATA_DIR="$sqlite_dir" SQLITE_BACKUP_DIR="$work/sqlite-backups" bash "$here/sqlite-backup.sh" 2>"$work/sqlite.log" \
  || { cat "$work/sqlite.log" >&2; fail "sqlite-backup.sh failed"; }
wait "$writer"
copy="$(find "$work/sqlite-backups" -name 'evcp.sqlite-*.sqlite.gz' | head -n 1)"
[[ -n "$copy" ]] || fail "sqlite-backup.sh wrote no backup"
gzip -dc "$copy" >"$work/restored.sqlite"
[[ "$(sqlite3 "$work/restored.sqlite" 'PRAGMA integrity_check')" == ok ]] || fail "the SQLite backup fails its integrity check"
[[ "$(sqlite3 "$work/restored.sqlite" 'SELECT group_concat(id || "=" || total_fen) FROM (SELECT * FROM orders ORDER BY id)')" == "o-1=1860,o-2=620,o-3=1240" ]] \
  || fail "the SQLite backup does not hold the committed orders"
say "OK"
