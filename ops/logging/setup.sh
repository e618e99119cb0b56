#!/bin/sh
# One-shot of the "logging" profile: prepares Elasticsearch and Kibana for the platform's logs.
#   1. sets the password of Kibana's own account (kibana_system) from KIBANA_SYSTEM_PASSWORD;
#   2. installs the lifecycle policy (delete after LOG_RETENTION_DAYS) and the index template evcp-logs;
#   3. imports the data view "EVCP logs" and the saved search "Session story (by sessionId)" into Kibana.
# Idempotent: every step overwrites what an earlier run installed.
set -eu

es=http://elasticsearch:9200
kibana=http://kibana:5601
auth="elastic:${ELASTIC_PASSWORD:?set ELASTIC_PASSWORD}"
dir=/ops/logging

call() { curl -fsS -u "$auth" -H 'Content-Type: application/json' "$@"; echo; }

echo "setup: waiting for Elasticsearch"
until curl -fsS -u "$auth" "$es/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null 2>&1; do sleep 3; done

call -X POST "$es/_security/user/kibana_system/_password" -d "{\"password\":\"${KIBANA_SYSTEM_PASSWORD:?set KIBANA_SYSTEM_PASSWORD}\"}"
sed "s/LOG_RETENTION_DAYS/${LOG_RETENTION_DAYS:-14}/" "$dir/elasticsearch/evcp-logs-ilm.json" | call -X PUT "$es/_ilm/policy/evcp-logs" -d @-
call -X PUT "$es/_index_template/evcp-logs" -d @"$dir/elasticsearch/evcp-logs-template.json"

echo "setup: waiting for Kibana"
until curl -fsS -u "$auth" "$kibana/api/status" 2>/dev/null | grep -q '"level":"available"'; do sleep 5; done
curl -fsS -u "$auth" -H 'kbn-xsrf: evcp-setup' -X POST "$kibana/api/saved_objects/_import?overwrite=true" \
  -F file=@"$dir/kibana/evcp-saved-objects.ndjson"
echo
echo "setup: done"
