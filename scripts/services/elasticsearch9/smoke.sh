#!/usr/bin/env bash
# Checks that an Elasticsearch node on 127.0.0.1:$PORT does what genrf-collector's tests need:
# GET /, cluster health, composable templates, bulk, query_string, terms aggregation, data
# streams (auto-created by bulk `create`, PUT and DELETE _data_stream), best_compression (zstd).
# Usage: PORT=19200 scripts/services/elasticsearch9/smoke.sh   (exit 0 = all passed)
set -euo pipefail
E="http://127.0.0.1:${PORT:-9200}"
J=(-H 'Content-Type: application/json')
N="smoke9-$$"
fails=0
check() { # name, expected substring, actual
  if [[ "$3" == *"$2"* ]]; then echo "ok   $1"; else echo "FAIL $1: wanted [$2] in: ${3:0:400}"; fails=$((fails + 1)); fi
}
call() { curl -s -X "$1" "$E$2" "${@:3}"; }
mapping='"mappings":{"properties":{"timestamp":{"type":"date"},"@timestamp":{"type":"date"},"level":{"type":"keyword"},"message":{"type":"text"},"generation_time":{"type":"float"}}}'
docs() { # index op
  for d in '"level":"ERROR","message":"solver convergence failure at step 12","generation_time":412.5' \
           '"level":"INFO","message":"generation finished","generation_time":120.0' \
           '"level":"ERROR","message":"disk full","generation_time":350.0' \
           '"level":"WARN","message":"convergence failure retried","generation_time":80'; do
    printf '{"%s":{"_index":"%s"}}\n{"timestamp":"2026-11-28T10:00:00Z","@timestamp":"2026-11-28T10:00:00Z",%s}\n' "$2" "$1" "$d"
  done
}

check "GET /" '"number":"9.' "$(call GET /)"
check "cluster health" '"status":"green"' "$(call GET '/_cluster/health?wait_for_status=yellow&timeout=5s')"
check "index template" '"acknowledged":true' "$(call PUT "/_index_template/$N" "${J[@]}" -d "{\"index_patterns\":[\"$N-*\"],\"priority\":500,\"template\":{\"settings\":{\"number_of_replicas\":0,\"index.codec\":\"best_compression\"},$mapping}}")"
check "bulk" '"errors":false' "$(docs "$N-logs" index | call POST '/_bulk?refresh=true' -H 'Content-Type: application/x-ndjson' --data-binary @-)"
check "mapping from template" '"generation_time":{"type":"float"}' "$(call GET "/$N-logs/_mapping")"
check "query_string phrase" '"value":1' "$(call POST "/$N-logs/_search" "${J[@]}" -d '{"query":{"query_string":{"query":"level:ERROR AND \"convergence failure\""}}}')"
check "query_string range" '"value":2' "$(call POST "/$N-logs/_count" "${J[@]}" -d '{"query":{"query_string":{"query":"generation_time:>300"}}}' | sed 's/"count":/"value":/')"
check "terms aggregation" '{"key":"ERROR","doc_count":2}' "$(call POST "/$N-logs/_search?size=0" "${J[@]}" -d '{"aggs":{"levels":{"terms":{"field":"level"}}}}')"
check "data stream template" '"acknowledged":true' "$(call PUT "/_index_template/$N-ds" "${J[@]}" -d "{\"index_patterns\":[\"logs-$N-*\"],\"data_stream\":{},\"priority\":500,\"template\":{\"settings\":{\"number_of_replicas\":0},$mapping}}")"
check "bulk create into data stream" '".ds-logs-'"$N"'-auto-' "$(docs "logs-$N-auto" create | call POST '/_bulk?refresh=true' -H 'Content-Type: application/x-ndjson' --data-binary @-)"
check "search data stream" '"value":1' "$(call POST "/logs-$N-auto/_search" "${J[@]}" -d '{"query":{"query_string":{"query":"level:ERROR AND \"convergence failure\""}}}')"
check "PUT _data_stream" '"acknowledged":true' "$(call PUT "/_data_stream/logs-$N-put")"
check "PUT _data_stream again" 'resource_already_exists_exception' "$(call PUT "/_data_stream/logs-$N-put")"
check "PUT _data_stream without template" '"status":' "$(call PUT "/_data_stream/nodstemplate-$N")"
check "GET _data_stream" "\"indices\":[{\"index_name\":\".ds-logs-$N-put-" "$(call GET "/_data_stream/logs-$N-put")"
check "GET _data_stream wildcard" "\"name\":\"logs-$N-put\"" "$(call GET "/_data_stream/logs-$N-*")"
check "GET missing _data_stream" '"status":404' "$(call GET "/_data_stream/logs-$N-missing")"
check "resolve data streams" "\"logs-$N-put\"" "$(call GET "/_resolve/index/logs-$N-*")"
check "DELETE _data_stream" '"acknowledged":true' "$(call DELETE "/_data_stream/logs-$N-auto")"
check "DELETE _data_stream wildcard" '"acknowledged":true' "$(call DELETE "/_data_stream/logs-$N-*")"
check "data streams gone" '"data_streams":[]' "$(call GET "/_resolve/index/logs-$N-*")"
check "DELETE missing _data_stream" '"status":404' "$(call DELETE "/_data_stream/logs-$N-missing")"
call DELETE "/$N-logs" >/dev/null
call DELETE "/_index_template/$N" >/dev/null
call DELETE "/_index_template/$N-ds" >/dev/null
if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all checks passed"
