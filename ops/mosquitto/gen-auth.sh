#!/bin/sh
# Writes Mosquitto's password file and ACL for the platform's MQTT accounts (docs/device-protocol.md,
# "Authentication"; the embedded broker applies the same rules from device-protocol/mqtt-accounts.ts).
#
#   PILE_MASTER_KEY=… ops/mosquitto/gen-auth.sh OUT_DIR < pile-ids.txt
#
#   stdin                  the pile ids, one per line (e.g. `mysql -N -e 'SELECT id FROM piles' evcp`)
#   PILE_MASTER_KEY        required; every password is derived from it, as the platform derives it
#   MQTT_GATEWAYS          names of the gateway instances (their GATEWAY_CLIENT_ID), space separated
#   MQTT_COMMAND_SENDERS   names of the pile-command publishers (each worker's COMMANDS_CLIENT_ID), space separated
#   MQTT_TOPIC_PREFIX      default evcp
#
# Writes OUT_DIR/passwd (salted hashes from mosquitto_passwd) and OUT_DIR/acl, both mode 600. Run it again when
# piles or platform instances are added; mosquitto rereads both files on SIGHUP. Needs openssl and
# mosquitto_passwd. Each password is base64url(HMAC-SHA256(PILE_MASTER_KEY, "mqtt:" + username)).
set -eu

out_dir="${1:?usage: gen-auth.sh OUT_DIR < pile-ids.txt}"
: "${PILE_MASTER_KEY:?PILE_MASTER_KEY must be set}"
prefix="${MQTT_TOPIC_PREFIX:-evcp}"
root="$prefix/v1/piles"

printf '%s\n' "$prefix" | grep -Eqx '[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*' || { echo "gen-auth.sh: invalid MQTT_TOPIC_PREFIX" >&2; exit 1; }

password_of() {
  printf '%s' "mqtt:$1" | openssl dgst -sha256 -hmac "$PILE_MASTER_KEY" -binary | openssl base64 -A | sed 'y|+/|-_|; s/=*$//'
}

# A pile id: 1-64 of letters, digits, _ and - (device-protocol/topics.ts).
is_pile_id() {
  case "$1" in '' | *[!A-Za-z0-9_-]*) return 1 ;; esac
  [ "${#1}" -le 64 ]
}

umask 077
mkdir -p "$out_dir"
plain="$(mktemp "$out_dir/passwd.XXXXXX")"
trap 'rm -f "$plain"' EXIT

service_accounts() {
  role="$1"
  shift
  for name in "$@"; do
    printf '%s\n' "$name" | grep -Eqx '[A-Za-z0-9_.-]{1,64}' || { echo "gen-auth.sh: invalid $role name \"$name\"" >&2; exit 1; }
    printf '%s.%s:%s\n' "$role" "$name" "$(password_of "$role.$name")" >> "$plain"
  done
}
# shellcheck disable=SC2086 # the name lists are split on purpose
service_accounts gateway ${MQTT_GATEWAYS:-}
# shellcheck disable=SC2086
service_accounts commands ${MQTT_COMMAND_SENDERS:-}

piles=0
while IFS= read -r pile_id || [ -n "$pile_id" ]; do
  [ -z "$pile_id" ] && continue
  is_pile_id "$pile_id" || { echo "gen-auth.sh: invalid pile id \"$pile_id\"" >&2; exit 1; }
  printf '%s:%s\n' "$pile_id" "$(password_of "$pile_id")" >> "$plain"
  piles=$((piles + 1))
done

mosquitto_passwd -U "$plain"
mv "$plain" "$out_dir/passwd"
trap - EXIT

{
  echo "# Written by ops/mosquitto/gen-auth.sh; topic prefix \"$prefix\". Edit the script, not this file."
  echo "# Piles (username = pile id): publish their own uplinks (last will included), read their own commands."
  for kind in status heartbeat telemetry event ack; do echo "pattern write $root/%u/$kind"; done
  echo "pattern read $root/%u/command"
  for name in ${MQTT_GATEWAYS:-}; do
    echo
    echo "# Gateway instance $name: reads every pile's uplinks, plain or through a shared subscription."
    echo "user gateway.$name"
    for kind in status heartbeat telemetry event ack; do
      echo "topic read $root/+/$kind"
      echo "topic read \$share/+/$root/+/$kind"
    done
  done
  for name in ${MQTT_COMMAND_SENDERS:-}; do
    echo
    echo "# Pile-command publisher $name (a worker): publishes commands, reads nothing."
    echo "user commands.$name"
    echo "topic write $root/+/command"
  done
} > "$out_dir/acl"

echo "gen-auth.sh: $piles piles, gateways [${MQTT_GATEWAYS:-}], command publishers [${MQTT_COMMAND_SENDERS:-}] -> $out_dir"
