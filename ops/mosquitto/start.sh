#!/bin/sh
# Entry command of the "mqtt" service (eclipse-mosquitto image, runs as root before mosquitto drops to
# the mosquitto user). Builds the password file from the environment so no secret lives in the repository,
# then starts the broker.
#
#   MQTT_GATEWAY_PASSWORD     required  password of the platform account "evcp-gateway"
#   MQTT_SIMULATOR_PASSWORD   optional  password of the demo account "evcp-simulator" (leave unset in production)
#   $CONFIG_DIR/piles.passwd  optional  per-pile entries already hashed with mosquitto_passwd (git-ignored)
# CONFIG_DIR (default /etc/evcp-mosquitto) is ops/mosquitto mounted read-only.
set -eu

CONFIG_DIR="${CONFIG_DIR:-/etc/evcp-mosquitto}"

: "${MQTT_GATEWAY_PASSWORD:?MQTT_GATEWAY_PASSWORD must be set}"

auth_dir=/mosquitto/auth
umask 077
mkdir -p "$auth_dir"
passwd_file="$auth_dir/passwd"
rm -f "$passwd_file"

# mosquitto_passwd stores salted hashes; -b takes the password as an argument (inside this container only).
mosquitto_passwd -c -b "$passwd_file" evcp-gateway "$MQTT_GATEWAY_PASSWORD"
if [ -n "${MQTT_SIMULATOR_PASSWORD:-}" ]; then
  echo "start.sh: demo account evcp-simulator enabled (do not set MQTT_SIMULATOR_PASSWORD in production)"
  mosquitto_passwd -b "$passwd_file" evcp-simulator "$MQTT_SIMULATOR_PASSWORD"
fi
if [ -f "$CONFIG_DIR/piles.passwd" ]; then
  echo "start.sh: adding per-pile credentials from piles.passwd"
  grep -v -e '^#' -e '^$' "$CONFIG_DIR/piles.passwd" >> "$passwd_file" || true
fi

cp "$CONFIG_DIR/acl" "$auth_dir/acl"
chown -R mosquitto:mosquitto "$auth_dir"
chmod 0700 "$auth_dir"
chmod 0600 "$passwd_file" "$auth_dir/acl"

exec /usr/sbin/mosquitto -c "$CONFIG_DIR/mosquitto.conf"
