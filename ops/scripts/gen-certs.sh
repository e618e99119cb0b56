#!/bin/sh
# Writes the private CA and the server certificates of the compose stack (docs/security.md, "Certificates"):
#
#   MQTT_PUBLIC_NAME=mqtt.example.com API_PUBLIC_NAME=api.example.com ops/scripts/gen-certs.sh [OUT_DIR]
#
#   OUT_DIR            default ops/certs (git-ignored); the compose file mounts it read-only
#   MQTT_PUBLIC_NAME   the broker's name as piles dial it (also valid: mqtt, localhost, 127.0.0.1)
#   API_PUBLIC_NAME    the API's name behind the TLS proxy (also valid: localhost, 127.0.0.1)
#   CERT_DAYS          validity of the server certificates, default 397; the CA lives 10 years
#   TEMPORAL_UI_PASSWORD  if set, writes temporal-ui.htpasswd (user "operator") for the Temporal UI's login in nginx
#
# Layout, one directory per reader, so that no container sees a key it does not use:
#   ca/     the CA's key and certificate: never mounted anywhere (keep a copy offline)
#   trust/  ca.crt, what piles, the platform's MQTT clients (MQTT_CA_FILE) and API clients trust
#   mqtt/   the broker's certificate and key (service mqtt)
#   lb/     the API's and Temporal UI's certificate and key, and the UI's password file (service lb, nginx)
#   temporal/         the Temporal frontend's certificate and key, for mTLS (names: temporal, localhost)
#   temporal-client/  the client certificate and key the platform's processes present to Temporal (TEMPORAL_TLS_*)
# An existing CA is kept, so running the script again only renews the server certificates (rotation:
# docs/security.md); delete ca/ to start a new CA. Private keys are written mode 600. Needs openssl.
set -eu

out_dir="${1:-ops/certs}"
mqtt_name="${MQTT_PUBLIC_NAME:-mqtt.localhost}"
api_name="${API_PUBLIC_NAME:-api.localhost}"
days="${CERT_DAYS:-397}"

umask 077
ca="$out_dir/ca"
mkdir -p "$ca" "$out_dir/trust" "$out_dir/mqtt" "$out_dir/lb" "$out_dir/temporal" "$out_dir/temporal-client"

if [ ! -f "$ca/ca.key" ]; then
  openssl req -x509 -newkey rsa:4096 -sha256 -nodes -days 3650 -subj "/CN=EVCP private CA" \
    -keyout "$ca/ca.key" -out "$ca/ca.crt" 2>/dev/null
  echo "gen-certs.sh: new CA $ca/ca.crt"
fi
cp "$ca/ca.crt" "$out_dir/trust/ca.crt"

# issue_cert DIR NAME USAGE [SUBJECT_ALT_NAMES]: a key and a certificate signed by the CA, for TLS servers
# (USAGE serverAuth, with the names they answer to) or clients (clientAuth).
issue_cert() {
  dir="$out_dir/$1"
  name="$2"
  ext="$(mktemp)"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$3" > "$ext"
  [ -z "${4:-}" ] || printf 'subjectAltName=%s\n' "$4" >> "$ext"
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$ext" "$dir/$name.csr"
  chmod 644 "$dir/$name.crt"
  echo "gen-certs.sh: $dir/$name.crt ($3${4:+ $4}, $days days)"
}

issue_cert mqtt mqtt serverAuth "DNS:$mqtt_name,DNS:mqtt,DNS:localhost,IP:127.0.0.1"
issue_cert lb api serverAuth "DNS:$api_name,DNS:localhost,IP:127.0.0.1"
issue_cert temporal temporal serverAuth "DNS:temporal,DNS:localhost,IP:127.0.0.1"
issue_cert temporal-client client clientAuth

if [ -n "${TEMPORAL_UI_PASSWORD:-}" ]; then
  printf 'operator:%s\n' "$(printf '%s' "$TEMPORAL_UI_PASSWORD" | openssl passwd -apr1 -stdin)" > "$out_dir/lb/temporal-ui.htpasswd"
  # nginx's worker processes (user nginx) read it at each login: a salted hash, readable in the container.
  chmod 644 "$out_dir/lb/temporal-ui.htpasswd"
  echo "gen-certs.sh: $out_dir/lb/temporal-ui.htpasswd (user operator)"
fi
chmod 644 "$ca/ca.crt" "$out_dir/trust/ca.crt"
