# Sourced by bench/cpu-per-request and bench/sustained-reads: parse "[APP_DIR] ... [-- java options]" (APP_DIR when
# the first argument is a directory), start the packaged service on a fresh H2 database (start_service of
# bench/lib/service.sh), and stop it and remove its data on exit.
# Before sourcing: root (the project), default_port. Leaves: app, port, data, pid, base, FHIR_LOAD,
# extra_args (arguments between APP_DIR and "--"), and read_loop (node script: URL N CONCURRENCY ->
# "req/s p50-ms p99-ms failed") and some_condition (the id of one stored Condition).

app="$root/target/quarkus-app"
if [ $# -gt 0 ] && [ -d "$1" ]; then app=$(cd "$1" && pwd); shift; fi
extra_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do extra_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
port=${PORT:-$default_port}
FHIR_LOAD=${FHIR_LOAD:-$root/../shared/bench/fhir-load.mjs}
[ -f "$app/quarkus-run.jar" ] || { echo "no $app/quarkus-run.jar (mvn package first)" >&2; exit 1; }
if ss -ltn | grep -q ":$port "; then echo "port $port is in use" >&2; exit 1; fi

data=$(mktemp -d)
trap 'pid=$(cat "$data/pid" 2>/dev/null); kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data"' EXIT
# shellcheck source=bench/lib/service.sh
. "$root/bench/lib/service.sh"
base="http://127.0.0.1:$port"
ready=0
start_service "$app" "$port" "$data" "$@" || ready=1
pid=$(cat "$data/pid")
[ "$ready" -eq 0 ] || { echo "not ready, see $data/server.log" >&2; exit 1; }

read_loop='const [url, n, conc] = [process.argv[1], +process.argv[2], +process.argv[3]]; let i = 0, failed = 0;
const lat = [];
async function worker() { while (i++ < n) { const t = performance.now();
  const r = await fetch(url, {headers: {accept: "application/fhir+json"}}); await r.arrayBuffer();
  if (r.status !== 200) failed++; lat.push(performance.now() - t); } }
const t = performance.now(); await Promise.all(Array.from({length: conc}, worker));
const s = (performance.now() - t) / 1000; lat.sort((a, b) => a - b);
console.log(`${(n / s).toFixed(0)} ${lat[n >> 1].toFixed(1)} ${lat[Math.floor(n * 0.99)].toFixed(1)} ${failed}`);'

# One Condition's id, after a fhir-load.mjs run.
some_condition() {
  curl -s "$base/fhir/Condition?_count=1&_elements=id" \
    | sed -n 's/.*"resource":{"resourceType":"Condition","id":"\([^"]*\)".*/\1/p'
}
