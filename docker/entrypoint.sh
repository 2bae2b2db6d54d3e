#!/bin/sh
# Starts DuctCare. Quarkus fixes the database kind when it augments the application; the image ships a
# mutable jar, so when DUCTCARE_DB_KIND asks for another kind than the image was built for, the application
# is re-augmented once (a few seconds) before it starts. URL, user, password and pool come from the environment.
# JVM flags: the argument file DUCTCARE_JVM_OPTIONS, then JAVA_OPTS (later flags win).
set -eu
app="${DUCTCARE_APP_DIR:-/app/quarkus-app}"
wanted="${DUCTCARE_DB_KIND:-h2}"
built="$(cat "$app/db-kind" 2>/dev/null || echo h2)"
if [ "$wanted" != "$built" ]; then
    echo "entrypoint: re-augmenting for DUCTCARE_DB_KIND=$wanted (built for $built)"
    java -Dquarkus.launch.rebuild=true -jar "$app/quarkus-run.jar"
    echo "$wanted" > "$app/db-kind"
    # The class-data archive describes the jar as built; the JVM would ignore most of it now.
    rm -f "$app/ductcare.jsa"
fi
cds=""
if [ -f "$app/ductcare.jsa" ]; then
    cds="-XX:SharedArchiveFile=$app/ductcare.jsa"
fi
# shellcheck disable=SC2086
exec java "@${DUCTCARE_JVM_OPTIONS:-/app/jvm.options}" ${JAVA_OPTS:-} $cds -jar "$app/quarkus-run.jar" "$@"
