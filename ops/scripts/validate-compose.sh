#!/usr/bin/env bash
# Validates docker-compose.yml against the example environment (ops/compose.env.example), for CI.
# Exits non-zero when the file is invalid. Works from any directory; needs no Docker engine.
#
#   ops/scripts/validate-compose.sh [compose-file [env-file]]
#
# Uses `docker-compose` (Debian's package, v1) if present, else the `docker compose` plugin (v2); when
# neither exists it installs Debian's docker-compose with apt-get (root or sudo; without recommends, so no
# Docker engine comes with it). COMPOSE_CMD overrides the choice, e.g. COMPOSE_CMD="docker compose".
#
# Checks:
#   1. `compose config` with every profile (demo, monitoring, backup, logging, ha), in a clean environment so that
#      variables of the calling shell cannot hide a missing entry of the example env file;
#   2. every service the stack needs is defined;
#   3. every bind-mounted host path exists;
#   4. the YAML and JSON of ops/ (Prometheus, Alertmanager, Temporal dynamic config, Grafana provisioning and
#      dashboards, Filebeat, the Elasticsearch template, the Kibana saved objects) parse, and the shell
#      scripts mounted into containers pass `sh -n` / `bash -n`;
#   5. the "ha" profile: two API nodes, two workers and two gateways, each gateway with its own
#      GATEWAY_CLIENT_ID and the same GATEWAY_SHARED_GROUP, and api-2 behind nginx (the alias api).
set -Eeuo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "$script_dir/../.." && pwd)"
abs_path() { (cd -- "$(dirname -- "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename -- "$1")"); }
compose_file="$(abs_path "${1:-$repo_root/docker-compose.yml}")"
env_file="$(abs_path "${2:-$repo_root/ops/compose.env.example}")"
profiles=(demo monitoring backup logging ha)
required_services=(mysql redis mqtt temporal-schema temporal temporal-namespace temporal-ui migrate api worker gateway
  seed-demo simulator prometheus grafana alertmanager pushgateway mysql-backup mysql-binlog-backup
  elasticsearch kibana logging-setup filebeat api-2 worker-2 gateway-2 lb)

fail() { echo "validate-compose: FAIL: $*" >&2; exit 1; }
note() { echo "validate-compose: $*"; }

[[ -f "$compose_file" ]] || fail "no compose file at $compose_file"
[[ -f "$env_file" ]] || fail "no env file at $env_file"

compose=()
find_compose() {
  if [[ -n "${COMPOSE_CMD:-}" ]]; then
    read -r -a compose <<<"$COMPOSE_CMD"
    return 0
  fi
  if command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
  elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  else
    return 1
  fi
}

if ! find_compose; then
  note "no docker-compose found; installing Debian's docker-compose package"
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "docker-compose is missing and neither root nor sudo is available"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  find_compose || fail "docker-compose is still not available after apt-get install"
fi
note "using: ${compose[*]} ($("${compose[@]}" version 2>/dev/null | head -n 1))"

# Clean environment: only what the compose tool itself needs.
clean_env=(env -i "PATH=$PATH" "HOME=${HOME:-/tmp}")
[[ -n "${DOCKER_CONFIG:-}" ]] && clean_env+=("DOCKER_CONFIG=$DOCKER_CONFIG")
profile_args=()
for p in "${profiles[@]}"; do profile_args+=(--profile "$p"); done
run_compose() {
  (cd "$repo_root" && "${clean_env[@]}" "${compose[@]}" --env-file "$env_file" -f "$compose_file" "${profile_args[@]}" "$@")
}

# 1. Schema, interpolation (every ${VAR:?} must be set by the example), anchors, depends_on conditions.
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
if ! run_compose config >"$rendered"; then
  fail "'${compose[*]} config' rejected $compose_file (with $env_file)"
fi
note "compose config: valid"

# 2. Services.
services="$(run_compose config --services)"
for s in "${required_services[@]}"; do
  grep -qx -- "$s" <<<"$services" || fail "service '$s' is missing"
done
note "services: all ${#required_services[@]} present"

# 3 + 4 need a YAML parser: Debian's docker-compose brings python3-yaml for /usr/bin/python3.
python=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' >/dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  note "WARNING: no python3 with PyYAML; skipping the bind-mount and ops/ YAML checks"
else
  "$python" - "$rendered" "$repo_root" <<'PY' || fail "bind mounts or ops/ YAML files are broken (see above)"
import glob, json, os, sys, yaml

rendered, root = sys.argv[1], sys.argv[2]
config = yaml.safe_load(open(rendered))
named = set((config.get("volumes") or {}).keys())
problems = []
for name, service in (config.get("services") or {}).items():
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):            # compose v2 long syntax
            source = volume.get("source") if volume.get("type") == "bind" else None
        else:                                   # compose v1 short syntax
            source = volume.split(":")[0] if ":" in volume else None
            if source in named or (source and not source.startswith(("/", "."))):
                source = None
        # The backup archive directory is created on first use; the Docker engine's own paths (Filebeat
        # reads the container logs) exist only on a Docker host.
        engine_path = source and source.startswith(("/var/lib/docker/", "/var/run/docker.sock"))
        if source and not engine_path and not os.path.exists(source) and not source.rstrip("/").endswith("backup/archive"):
            problems.append(f"service {name}: bind-mount source {source} does not exist")
for pattern in ("ops/prometheus/*.yml", "ops/alertmanager/*.yml", "ops/temporal/dynamicconfig/*.yaml",
                "ops/grafana/**/*.yml", "ops/logging/*.yml"):
    for path in glob.glob(os.path.join(root, pattern), recursive=True):
        try:
            yaml.safe_load(open(path))
        except yaml.YAMLError as error:
            problems.append(f"{path}: {error}")
for pattern in ("ops/grafana/dashboards/*.json", "ops/logging/**/*.json", "ops/logging/**/*.ndjson"):
    for path in glob.glob(os.path.join(root, pattern), recursive=True):
        try:
            lines = open(path).read().splitlines() if path.endswith(".ndjson") else [open(path).read()]
            for line in filter(None, lines):
                json.loads(line)
        except ValueError as error:
            problems.append(f"{path}: {error}")

# High availability: two of each application role; gateways share one group, each with its own client id.
services = config.get("services") or {}
def env_of(name):
    env = services.get(name, {}).get("environment") or {}
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)
for first, second in (("api", "api-2"), ("worker", "worker-2"), ("gateway", "gateway-2")):
    if services.get(first, {}).get("command") != services.get(second, {}).get("command"):
        problems.append(f"ha: {second} does not run the same command as {first}")
client_ids = [env_of(name).get("GATEWAY_CLIENT_ID") for name in ("gateway", "gateway-2")]
if None in client_ids or len(set(client_ids)) != 2:
    problems.append(f"ha: each gateway needs its own GATEWAY_CLIENT_ID (got {client_ids})")
if len({env_of(name).get("GATEWAY_SHARED_GROUP") for name in ("gateway", "gateway-2")}) != 1:
    problems.append("ha: the gateways must share one GATEWAY_SHARED_GROUP")
if "api" not in ((services.get("api-2", {}).get("networks") or {}).get("default") or {}).get("aliases", []):
    problems.append("ha: api-2 does not carry the alias api that the load balancer (lb) resolves")
for p in problems:
    print("validate-compose:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
  note "bind mounts, ops/ YAML and JSON, ha profile: ok"
fi

for f in "$repo_root"/ops/mosquitto/start.sh "$repo_root"/ops/temporal/*.sh "$repo_root"/ops/alertmanager/*.sh "$repo_root"/ops/logging/*.sh; do
  sh -n "$f" || fail "$f has a shell syntax error"
done
for f in "$repo_root"/ops/mysql/init/*.sh "$repo_root"/ops/backup/*.sh; do
  bash -n "$f" || fail "$f has a bash syntax error"
done
note "container scripts: syntax ok"
note "OK: $compose_file is valid"
