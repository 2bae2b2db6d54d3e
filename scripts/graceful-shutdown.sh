#!/usr/bin/env bash
# Graceful shutdown: SIGTERM while slow requests are in flight lets them finish with 2xx, and the service takes no
# new work after it (a new request gets 503 or a refused connection, never a 2xx). Loopback only, bounded.
#
#   scripts/graceful-shutdown.sh
#
# Settings (environment): GRACE_REQUESTS (3 slow writes in flight), GRACE_ENTRIES (300 Observations in each
# slow Bundle: its validation takes seconds), GRACE_PORT, GRACE_WORK_DIR (target/graceful-shutdown).
# DUCTCARE_DB_* pass through. Summary line: graceful-shutdown: in-flight=3 completed-2xx=3 after-sigterm=503 ...
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${GRACE_REQUESTS:-3}
ENTRIES=${GRACE_ENTRIES:-300}
WORK=${GRACE_WORK_DIR:-target/graceful-shutdown}
JAR=target/quarkus-app/quarkus-run.jar

log() { echo "graceful-shutdown: $*" >&2; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${GRACE_PORT:-19000}
while [[ -z ${GRACE_PORT:-} ]] && ! port_free "$PORT"; do PORT=$((PORT + 1)); done
BASE="http://127.0.0.1:$PORT"

if [[ ! -f $JAR ]] || [[ -n $(find src pom.xml -newer "$JAR" -print -quit 2>/dev/null) ]]; then
  log "packaging the service"
  mvn -B -q -o package -DskipTests >&2 || mvn -B -q package -DskipTests >&2
fi
rm -rf "$WORK"
mkdir -p "$WORK/data"
WORK=$(cd "$WORK" && pwd)

SERVER_PID=
trap '[[ -n $SERVER_PID ]] && kill -9 "$SERVER_PID" 2>/dev/null || true' EXIT
DUCTCARE_DATA_DIR="$WORK/data" DUCTCARE_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
    DUCTCARE_SECURITY_ENABLED="${DUCTCARE_SECURITY_ENABLED:-false}" \
  java -Xmx512m -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < 1200; i++)); do
  curl -sf -o /dev/null "$BASE/q/health/ready" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { log "the service died while starting"; tail -20 "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

# A collection Bundle of many Observations: valid, and slow to validate.
{
  printf '{"resourceType":"Bundle","type":"collection","entry":['
  for ((i = 0; i < ENTRIES; i++)); do
    ((i > 0)) && printf ','
    printf '{"fullUrl":"urn:uuid:00000000-0000-4000-8000-%012d","resource":{"resourceType":"Observation",' "$i"
    printf '"status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},'
    printf '"subject":{"reference":"Patient/grace"},"effectiveDateTime":"2025-03-03T10:30:00Z",'
    printf '"valueQuantity":{"value":37.%d,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}}' $((i % 10))
  done
  printf ']}'
} >"$WORK/slow-bundle.json"

# One timed request first, to know how long a slow request takes here.
single=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/fhir+json' \
  -H 'Prefer: return=minimal' --data-binary @"$WORK/slow-bundle.json" "$BASE/fhir/Bundle")
log "one slow request alone: HTTP ${single% *} in ${single#* } s"

for ((r = 1; r <= REQUESTS; r++)); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/fhir+json' \
    -H 'Prefer: return=minimal' --max-time 120 --data-binary @"$WORK/slow-bundle.json" "$BASE/fhir/Bundle" \
    >"$WORK/inflight-$r.txt" 2>/dev/null &
done
sleep 0.5 # the requests are sent and being validated
started=$(date +%s.%N)
kill -TERM "$SERVER_PID"
# The JVM runs its shutdown hooks a moment after the signal; Quarkus logs when it starts draining.
for ((i = 0; i < 100; i++)); do
  grep -q 'Waiting for HTTP requests to complete' "$WORK/server.log" && break
  sleep 0.05
done
after=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/fhir/metadata" || true)
wait_exit=0
while kill -0 "$SERVER_PID" 2>/dev/null && ((wait_exit < 600)); do sleep 0.1; wait_exit=$((wait_exit + 1)); done
stopped=$(date +%s.%N)
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
wait || true

completed=0
for ((r = 1; r <= REQUESTS; r++)); do
  read -r status seconds <"$WORK/inflight-$r.txt" || status=000
  log "in-flight request $r: HTTP $status after ${seconds:-?} s"
  [[ $status == 2* ]] && completed=$((completed + 1))
done
[[ $after == 000 ]] && after_text="refused" || after_text=$after
shutdown_seconds=$(awk -v a="$started" -v b="$stopped" 'BEGIN { printf "%.1f", b - a }')
echo "graceful-shutdown: in-flight=$REQUESTS completed-2xx=$completed after-sigterm=$after_text stopped-in=${shutdown_seconds}s"
if ((completed != REQUESTS)) || [[ $after == 2* ]]; then
  exit 1
fi
