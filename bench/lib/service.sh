# Sourced by bench/lib/ab-server.sh and bench/h2-retention-check. Before sourcing: root (the project).
#
# start_service APP_DIR PORT DATA_DIR [java options...]
#   Starts the packaged service in APP_DIR in the background with the production JVM flags (and its class-data
#   archive if APP_DIR has one), security off, on loopback PORT, with its H2 database and server.log in DATA_DIR;
#   writes its pid to DATA_DIR/pid and waits up to 120 s for readiness (status 1 if it never gets ready).
#   DUCTCARE_* variables of the caller pass through (e.g. DUCTCARE_DB_URL=... start_service ...).
start_service() {
  local app=$1 port=$2 data=$3
  shift 3
  local java_opts="@$root/src/main/jvm/jvm.options"
  [ -f "$app/ductcare.jsa" ] && java_opts="$java_opts -XX:SharedArchiveFile=$app/ductcare.jsa"
  # shellcheck disable=SC2086
  (cd "$app" && MALLOC_ARENA_MAX=2 DUCTCARE_SECURITY_ENABLED=false DUCTCARE_DATA_DIR="$data" DUCTCARE_PORT="$port" \
    exec java $java_opts "$@" -Dquarkus.http.host=127.0.0.1 -jar quarkus-run.jar > "$data/server.log" 2>&1) &
  echo $! > "$data/pid"
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && return 0
    sleep 0.5
  done
  return 1
}
