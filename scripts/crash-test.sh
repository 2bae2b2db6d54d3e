#!/usr/bin/env bash
# Crash test: the packaged service under a bounded write load is killed with SIGKILL at random moments and
# restarted on the same database; afterwards every write that was answered 2xx must be readable with the content
# that was sent, and every resource's history must be contiguous with only content that was sent (nothing
# half-written). The load also feeds Conditions, MedicationRequests and temperatures for a set of patients, and
# every CarePlan must then be what POST CarePlan/$generate makes from that patient's stored inputs, one per
# Condition (scripts/reliability/CrashClient.java says what is compared). Loopback only, bounded in time; exits
# non-zero on any lost or corrupt write or CarePlan mismatch.
#
#   scripts/crash-test.sh                      # H2 file database in a fresh directory, 5 kills
#   CRASH_KILLS=10 scripts/crash-test.sh
#   DUCTCARE_DB_KIND=postgresql DUCTCARE_DB_URL=jdbc:postgresql://127.0.0.1:5432/ductcare \
#     DUCTCARE_DB_USER=ductcare DUCTCARE_DB_PASSWORD=... scripts/crash-test.sh
#
# Settings (environment): CRASH_KILLS (5), CRASH_THREADS (4 writers), CRASH_MIN_ACKS (20: writes acknowledged
# after each restart before the kill clock starts), CRASH_MIN_UP / CRASH_MAX_UP (then a random 0-4 s more), CRASH_PORT (a free port from 18000 up), CRASH_WORK_DIR
# (target/crash-test), CRASH_JAVA_OPTS (-Xmx512m). DUCTCARE_DB_* pass through to the service. The last line printed
# is the summary: crash-test: kills=.. db=.. acknowledged=.. lost=.. ... conditions=.. careplans=.. careplan-mismatches=..
set -euo pipefail
cd "$(dirname "$0")/.."

KILLS=${CRASH_KILLS:-5}
THREADS=${CRASH_THREADS:-4}
MIN_ACKS=${CRASH_MIN_ACKS:-20}
MIN_UP=${CRASH_MIN_UP:-0}
MAX_UP=${CRASH_MAX_UP:-4}
WORK=${CRASH_WORK_DIR:-target/crash-test}
JAVA_OPTS=${CRASH_JAVA_OPTS:--Xmx512m}
JAR=target/quarkus-app/quarkus-run.jar
DB_KIND=${DUCTCARE_DB_KIND:-h2}

log() { echo "crash-test: $*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ -n ${CRASH_PORT:-} ]]; then
  PORT=$CRASH_PORT
else
  PORT=18000
  while ! port_free "$PORT"; do PORT=$((PORT + 1)); done
fi
BASE="http://127.0.0.1:$PORT"

if [[ ! -f $JAR ]] || [[ -n $(find src pom.xml -newer "$JAR" -print -quit 2>/dev/null) ]]; then
  log "packaging the service"
  mvn -B -q -o package -DskipTests >&2 || mvn -B -q package -DskipTests >&2
fi

rm -rf "$WORK"
mkdir -p "$WORK/data" "$WORK/classes"
WORK=$(cd "$WORK" && pwd) # absolute: H2 refuses implicitly relative file paths
javac -d "$WORK/classes" scripts/reliability/CrashClient.java

SERVER_PID=
LOAD_PID=
cleanup() {
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  [[ -n $SERVER_PID ]] && kill -9 "$SERVER_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_server() {
  DUCTCARE_DATA_DIR="$WORK/data" DUCTCARE_PORT="$PORT" QUARKUS_HTTP_HOST=127.0.0.1 \
    DUCTCARE_SECURITY_ENABLED="${DUCTCARE_SECURITY_ENABLED:-false}" \
    java $JAVA_OPTS -jar "$JAR" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  local waited=0
  until curl -sf -o /dev/null "$BASE/q/health/ready"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "the service died while starting; see $WORK/server.log"; tail -20 "$WORK/server.log" >&2; exit 1
    fi
    if ((waited >= 1200)); then log "the service was not ready after 120 s"; exit 1; fi
    sleep 0.1; waited=$((waited + 1))
  done
}

random_seconds() { # a random moment between MIN_UP and MAX_UP, to the tenth of a second
  local tenths=$(((MAX_UP - MIN_UP) * 10))
  local pick=$((MIN_UP * 10 + (tenths > 0 ? RANDOM % tenths : 0)))
  echo "$((pick / 10)).$((pick % 10))"
}

log "db=$DB_KIND port=$PORT kills=$KILLS writers=$THREADS work=$WORK"
start_server
java -cp "$WORK/classes" CrashClient load --base "$BASE/fhir" --journal "$WORK/journal.tsv" --threads "$THREADS" \
  --stop-file "$WORK/stop" --max-seconds $((KILLS * (MAX_UP + 130) + 60)) --run-id "crash$(date +%s)" \
  >"$WORK/load.log" 2>&1 &
LOAD_PID=$!

acknowledged_count() {
  local count
  count=$(grep -c '^ACK' "$WORK/journal.tsv" 2>/dev/null) || true
  echo "${count:-0}"
}

wait_for_writes() { # until MIN_ACKS more writes are acknowledged (bounded), so every kill lands under load
  local target=$(($(acknowledged_count) + MIN_ACKS)) waited=0
  while (($(acknowledged_count) < target && waited < 1200)); do sleep 0.1; waited=$((waited + 1)); done
}

for ((kill_number = 1; kill_number <= KILLS; kill_number++)); do
  wait_for_writes
  sleep "$(random_seconds)"
  acknowledged=$(acknowledged_count)
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  log "kill $kill_number/$KILLS: SIGKILL with $acknowledged writes acknowledged so far; restarting"
  start_server
done

sleep "$(random_seconds)"
touch "$WORK/stop"
wait "$LOAD_PID" || true
LOAD_PID=
cat "$WORK/load.log" >&2

set +e
java -cp "$WORK/classes" CrashClient verify --base "$BASE/fhir" --journal "$WORK/journal.tsv" >"$WORK/verify.log" 2>&1
verified=$?
set -e
grep -v '^crash-client: acknowledged' "$WORK/verify.log" | head -20 >&2 || true
result=$(grep '^crash-client: acknowledged' "$WORK/verify.log" | sed 's/^crash-client: //')

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

echo "crash-test: kills=$KILLS db=$DB_KIND ${result:-verification did not finish}"
exit $verified
