# DuctCare FHIR R4 service: build from source and run on a slim JRE 17, as a non-root user.
#
#   docker build -t ductcare .
#   docker run -p 8080:8080 -v ductcare-data:/data ductcare                        # H2 file database in /data
#   docker run -p 8080:8080 -e DUCTCARE_DB_KIND=postgresql \
#     -e DUCTCARE_DB_URL=jdbc:postgresql://db:5432/ductcare \
#     -e DUCTCARE_DB_USER=ductcare -e DUCTCARE_DB_PASSWORD=secret ductcare        # PostgreSQL
#
# The build stage runs the README's build command (mvn -B -DskipTests package); .ci/run checks they match and
# runs the full test suite on H2 and PostgreSQL with that same Maven build.

# ---------------------------------------------------------------- build
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependency-cache layer: only invalidated when pom.xml changes. quarkus:go-offline also fetches the Quarkus
# deployment artifacts that dependency:go-offline misses.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline quarkus:go-offline
COPY openapi openapi
COPY src src
# The database kind Quarkus fixes at augmentation; the runtime image can still switch it (see entrypoint).
ARG DUCTCARE_DB_KIND=h2
ENV DUCTCARE_DB_KIND=${DUCTCARE_DB_KIND}
RUN mvn -B -DskipTests package \
 && echo "${DUCTCARE_DB_KIND}" > target/quarkus-app/db-kind

# ---------------------------------------------------------------- runtime
FROM eclipse-temurin:17-jre
# Without -e DUCTCARE_DB_KIND the container runs with the kind the image was built for.
ARG DUCTCARE_DB_KIND=h2
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ductcare \
 && useradd --system --uid 10001 --gid ductcare --home-dir /app --shell /usr/sbin/nologin ductcare \
 && mkdir -p /app /data \
 && chown ductcare:ductcare /app /data

WORKDIR /app
# The application is a Quarkus mutable jar: owned by the runtime user so the entrypoint can re-augment it when
# DUCTCARE_DB_KIND differs from the kind it was built for.
COPY --from=build --chown=ductcare:ductcare /build/target/quarkus-app /app/quarkus-app
COPY --chown=ductcare:ductcare docker/entrypoint.sh /app/entrypoint.sh
COPY --chown=ductcare:ductcare scripts/cds-archive /app/cds-archive
COPY --chown=ductcare:ductcare src/main/jvm/jvm.options /app/jvm.options

# The JVM flags the benchmark measured are one JDK argument file, /app/jvm.options (src/main/jvm/jvm.options; why:
# bench/README.md, "Production JVM flags"): a fixed 512 MB heap, the serial collector, C1 only. The entrypoint
# and the class-data training run read it; JAVA_OPTS is added after it, so a flag there overrides the file's.
ENV DUCTCARE_JVM_OPTIONS=/app/jvm.options \
    JAVA_OPTS="-Djava.util.logging.manager=org.jboss.logmanager.LogManager" \
    MALLOC_ARENA_MAX=2 \
    DUCTCARE_DB_KIND=${DUCTCARE_DB_KIND} \
    DUCTCARE_DATA_DIR=/data \
    DUCTCARE_PORT=8080 \
    DUCTCARE_LOG_JSON=true

USER ductcare
# A class-data archive from a training run of this image's JRE and jar (scripts/cds-archive): the entrypoint
# passes it to the JVM, which then answers /fhir/metadata about a second sooner.
RUN /app/cds-archive /app/quarkus-app
VOLUME /data
EXPOSE 8080
# Ready = database reachable, migrations applied, protocol loaded, validator warm (takes 5-15 s after start).
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:${DUCTCARE_PORT}/q/health/ready || exit 1
ENTRYPOINT ["/app/entrypoint.sh"]
