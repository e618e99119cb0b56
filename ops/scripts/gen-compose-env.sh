#!/usr/bin/env bash
# Writes the compose environment file from ops/compose.env.example with a fresh random value for every
# CHANGE_ME secret (hex, URL-safe; JWT_SECRET and PILE_MASTER_KEY get 64 characters).
#
#   ops/scripts/gen-compose-env.sh [--demo] [--force] [output]     # output defaults to <repo>/.env
#
#   --demo    also enable the demo: COMPOSE_PROFILES=demo, a simulator broker account, AUTH_DEV_LOGIN=true
#   --force   overwrite an existing output file (its secrets are lost: existing volumes keep the old ones!)
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "$script_dir/../.." && pwd)"
example="$repo_root/ops/compose.env.example"

demo=0
force=0
output=""
for arg in "$@"; do
  case "$arg" in
    --demo) demo=1 ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) output="$arg" ;;
  esac
done
output="${output:-$repo_root/.env}"

if [[ -e "$output" && $force -eq 0 ]]; then
  echo "$output exists; pass --force to replace it (MySQL, Redis and broker volumes keep the old passwords)" >&2
  exit 1
fi

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

umask 077
tmp="$(mktemp "${output}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line || [[ -n "$line" ]]; do
  case "$line" in
    JWT_SECRET=CHANGE_ME*|PILE_MASTER_KEY=CHANGE_ME*) line="${line%%=*}=$(random_hex 32)" ;;
    [A-Z]*=CHANGE_ME*) line="${line%%=*}=$(random_hex 24)" ;;
    AUTH_DEV_LOGIN=*) (( demo )) && line="AUTH_DEV_LOGIN=true" ;;
    '#COMPOSE_PROFILES='*) (( demo )) && line="COMPOSE_PROFILES=demo" ;;
  esac
  printf '%s\n' "$line"
done <"$example" >"$tmp"
mv "$tmp" "$output"
trap - EXIT
echo "wrote $output (mode 600)$( (( demo )) && echo ', demo enabled')"
