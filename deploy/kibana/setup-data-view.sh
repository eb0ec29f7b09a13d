#!/bin/sh
# One-shot job (docker-compose service `kibana-setup`): waits for Kibana, then creates the
# "Beacon logs" data view on logs-* (the Collector's elasticsearch exporter writes
# logs-beacon-default) with trace.id rendered as a link to the trace in Jaeger.
# Idempotent: the data view has a fixed id and is overwritten on every run.
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
JAEGER_UI_URL="${JAEGER_UI_URL:-http://localhost:16686}"

echo "kibana-setup: waiting for ${KIBANA_URL}"
i=0
until curl -fsS "${KIBANA_URL}/api/status" | grep -q '"level":"available"'; do
  i=$((i + 1))
  if [ "$i" -gt 120 ]; then
    echo "kibana-setup: Kibana not available after 10 minutes" >&2
    exit 1
  fi
  sleep 5
done

curl -fsS -X POST "${KIBANA_URL}/api/data_views/data_view" \
  -H 'kbn-xsrf: true' \
  -H 'Content-Type: application/json' \
  -d "{
    \"override\": true,
    \"data_view\": {
      \"id\": \"beacon-logs\",
      \"name\": \"Beacon logs\",
      \"title\": \"logs-*\",
      \"timeFieldName\": \"@timestamp\",
      \"fieldFormats\": {
        \"trace.id\": {
          \"id\": \"url\",
          \"params\": { \"urlTemplate\": \"${JAEGER_UI_URL}/trace/{{value}}\", \"labelTemplate\": \"{{value}}\" }
        }
      }
    }
  }"
echo
curl -fsS -X POST "${KIBANA_URL}/api/data_views/default" \
  -H 'kbn-xsrf: true' -H 'Content-Type: application/json' \
  -d '{ "data_view_id": "beacon-logs", "force": true }'
echo
echo "kibana-setup: data view 'Beacon logs' (logs-*) ready: ${KIBANA_URL}/app/discover"
