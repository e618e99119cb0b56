#!/bin/sh
# One-shot "temporal-namespace" service (temporalio/admin-tools image), after the server is up:
#   1. creates the namespace TEMPORAL_NAMESPACE (default "default") with TEMPORAL_NAMESPACE_RETENTION,
#   2. registers the custom search attributes of charging sessions (all Keyword):
#        ChargingSessionId, PileId, StationId, DriverId, SessionStatus
# Idempotent: existing namespace and attributes are left alone ("already exists" is success). The worker and
# the API register the same attributes at start too; whichever runs first wins, the other is a no-op.
#
# Environment: TEMPORAL_ADDRESS (temporal:7233), TEMPORAL_NAMESPACE, TEMPORAL_NAMESPACE_RETENTION (720h),
# SEARCH_ATTRIBUTES (override the list, "Name:Type ..."), SETTLE_SECONDS (10).
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-720h}"
SEARCH_ATTRIBUTES="${SEARCH_ATTRIBUTES:-ChargingSessionId:Keyword PileId:Keyword StationId:Keyword DriverId:Keyword SessionStatus:Keyword}"
SETTLE_SECONDS="${SETTLE_SECONDS:-10}"
MAX_ATTEMPTS="${MAX_ATTEMPTS:-60}"

log() { echo "temporal-namespace: $*"; }

log "waiting for the Temporal frontend at $ADDRESS"
attempt=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    log "server did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  log "namespace $NAMESPACE exists"
else
  log "creating namespace $NAMESPACE (retention $RETENTION)"
  if ! out=$(temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION" 2>&1); then
    case "$out" in
      *[Aa]lready*) log "namespace $NAMESPACE already exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
fi

list_attributes() {
  temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>&1
}

has_attribute() {
  printf '%s\n' "$1" | grep -qw -- "$2"
}

# Type column of an attribute in the list output ("Name  Type" table); empty if the format is unknown.
attribute_type() {
  printf '%s\n' "$1" | awk -v n="$2" '$1 == n { print $2; exit }'
}

created=0
for spec in $SEARCH_ATTRIBUTES; do
  name="${spec%%:*}"
  type="${spec##*:}"
  attempt=0
  while :; do
    # A fresh namespace takes a few seconds to reach every frontend's cache: retry until it answers.
    if current=$(list_attributes) && has_attribute "$current" "$name"; then
      existing=$(attribute_type "$current" "$name")
      if [ -n "$existing" ] && [ "$existing" != "$type" ]; then
        log "search attribute $name exists with type $existing, expected $type: fix it by hand" >&2
        exit 1
      fi
      log "search attribute $name exists"
      break
    fi
    if out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type "$type" 2>&1); then
      log "search attribute $name ($type) created"
      created=1
      break
    fi
    case "$out" in
      *"different type"*) echo "$out" >&2; exit 1 ;;
      *[Aa]lready*) log "search attribute $name already exists"; break ;;
    esac
    attempt=$((attempt + 1))
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "$out" >&2
      log "could not register search attribute $name" >&2
      exit 1
    fi
    sleep 2
  done
done

# Final check: every attribute is visible to the frontend.
current=$(list_attributes)
for spec in $SEARCH_ATTRIBUTES; do
  name="${spec%%:*}"
  if ! has_attribute "$current" "$name"; then
    printf '%s\n' "$current" >&2
    log "search attribute $name is missing after registration" >&2
    exit 1
  fi
done

if [ "$created" -eq 1 ] && [ "$SETTLE_SECONDS" -gt 0 ]; then
  # Let the namespace caches of all frontends pick up the new attributes before workflows use them.
  sleep "$SETTLE_SECONDS"
fi
log "namespace $NAMESPACE ready"
