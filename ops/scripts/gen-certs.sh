#!/bin/sh
# Writes the private CA and the server certificates of the compose stack (docs/security.md, "Certificates"):
#
#   MQTT_PUBLIC_NAME=mqtt.example.com API_PUBLIC_NAME=api.example.com ops/scripts/gen-certs.sh [OUT_DIR]
#
#   OUT_DIR            default ops/certs (git-ignored); the compose file mounts it read-only
#   MQTT_PUBLIC_NAME   the broker's name as piles dial it (also valid: mqtt, localhost, 127.0.0.1)
#   API_PUBLIC_NAME    the API's name behind the TLS proxy (also valid: localhost, 127.0.0.1)
#   CERT_DAYS          validity of the server certificates, default 397; the CA lives 10 years
#
# ca.crt is what piles, the platform's MQTT clients (MQTT_CA_FILE) and API clients trust. An existing CA is kept,
# so running the script again only renews the server certificates (rotation: docs/security.md); delete ca.key and
# ca.crt to start a new CA. Private keys are written mode 600. Needs openssl.
set -eu

out_dir="${1:-ops/certs}"
mqtt_name="${MQTT_PUBLIC_NAME:-mqtt.localhost}"
api_name="${API_PUBLIC_NAME:-api.localhost}"
days="${CERT_DAYS:-397}"

umask 077
mkdir -p "$out_dir"

if [ ! -f "$out_dir/ca.key" ]; then
  openssl req -x509 -newkey rsa:4096 -sha256 -nodes -days 3650 -subj "/CN=EVCP private CA" \
    -keyout "$out_dir/ca.key" -out "$out_dir/ca.crt" 2>/dev/null
  echo "gen-certs.sh: new CA $out_dir/ca.crt"
fi

# server_cert NAME SUBJECT_ALT_NAMES: a key and a certificate signed by the CA, for TLS servers only.
server_cert() {
  name="$1"
  sans="$2"
  ext="$(mktemp)"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$sans" > "$ext"
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$out_dir/$name.key" -out "$out_dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$out_dir/$name.csr" -CA "$out_dir/ca.crt" -CAkey "$out_dir/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$out_dir/$name.crt" 2>/dev/null
  rm -f "$ext" "$out_dir/$name.csr"
  echo "gen-certs.sh: $out_dir/$name.crt ($sans, $days days)"
}

server_cert mqtt "DNS:$mqtt_name,DNS:mqtt,DNS:localhost,IP:127.0.0.1"
server_cert api "DNS:$api_name,DNS:localhost,IP:127.0.0.1"

# Certificates are public; keys stay 600 (ops/mosquitto/start.sh hands the broker's key to the mosquitto user).
chmod 644 "$out_dir"/*.crt
