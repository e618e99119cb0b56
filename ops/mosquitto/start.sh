#!/bin/sh
# Entry command of the "mqtt" service (eclipse-mosquitto image, runs as root before mosquitto drops to
# the mosquitto user). Installs the password file and ACL that ops/mosquitto/gen-auth.sh wrote into
# $CONFIG_DIR/auth (git-ignored), then starts the broker. No secret lives in the repository.
# CONFIG_DIR (default /etc/evcp-mosquitto) is ops/mosquitto mounted read-only.
set -eu

CONFIG_DIR="${CONFIG_DIR:-/etc/evcp-mosquitto}"

for file in passwd acl; do
  if [ ! -f "$CONFIG_DIR/auth/$file" ]; then
    echo "start.sh: $CONFIG_DIR/auth/$file is missing: run ops/mosquitto/gen-auth.sh ops/mosquitto/auth (see ops/README.md)" >&2
    exit 1
  fi
done

auth_dir=/mosquitto/auth
umask 077
mkdir -p "$auth_dir"
cp "$CONFIG_DIR/auth/passwd" "$CONFIG_DIR/auth/acl" "$auth_dir/"
chown -R mosquitto:mosquitto "$auth_dir"
chmod 0700 "$auth_dir"
chmod 0600 "$auth_dir/passwd" "$auth_dir/acl"

# The TLS certificate and key of ops/scripts/gen-certs.sh (CERTS_DIR, mounted read-only), readable by mosquitto only.
CERTS_DIR="${CERTS_DIR:-/etc/evcp-certs}"
for file in mqtt.crt mqtt.key; do
  if [ ! -f "$CERTS_DIR/$file" ]; then
    echo "start.sh: $CERTS_DIR/$file is missing: run ops/scripts/gen-certs.sh (see ops/README.md)" >&2
    exit 1
  fi
done
certs_dir=/mosquitto/certs
mkdir -p "$certs_dir"
cp "$CERTS_DIR/mqtt.crt" "$CERTS_DIR/mqtt.key" "$certs_dir/"
chown -R mosquitto:mosquitto "$certs_dir"
chmod 0700 "$certs_dir"
chmod 0600 "$certs_dir/mqtt.key"

exec /usr/sbin/mosquitto -c "$CONFIG_DIR/mosquitto.conf"
