# Flowmeter server image: the same shaded jar as the README's "java -jar api/target/flowmeter.jar".
# Build: docker build -t flowmeter .    Run: see docker-compose.yml and the README's "Run the whole stack".

# --- build stage: the Maven Wrapper on a pinned JDK 17 ---
FROM eclipse-temurin:17.0.15_6-jdk-jammy AS build
WORKDIR /src
# The wrapper and the poms first, so the dependency download is a layer of its own that survives source edits.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY .config .config
COPY events/pom.xml events/
COPY ingest/pom.xml ingest/
COPY streams/pom.xml streams/
COPY api/pom.xml api/
# Best effort (our own modules are not installed anywhere yet); whatever it misses the package step fetches.
RUN ./mvnw -B -q -ntp dependency:go-offline -DexcludeGroupIds=dev.flowmeter || true
COPY events events
COPY ingest ingest
COPY streams streams
COPY api api
# Tests run in CI (./mvnw -B verify); the image build only packages, without even compiling the tests.
RUN ./mvnw -B -q -ntp -Dmaven.test.skip=true package

# --- runtime stage: a small pinned JRE 17 ---
FROM eclipse-temurin:17.0.15_6-jre-jammy
# A fixed non-root uid, so a mounted data volume can be chowned to it on the host.
RUN groupadd --system --gid 10001 flowmeter \
    && useradd --system --uid 10001 --gid flowmeter --home-dir /var/lib/flowmeter --shell /usr/sbin/nologin flowmeter \
    && mkdir -p /var/lib/flowmeter \
    && chown flowmeter:flowmeter /var/lib/flowmeter
WORKDIR /opt/flowmeter
COPY --from=build /src/api/target/flowmeter.jar /opt/flowmeter/flowmeter.jar
# The embedded broker's log and the topology's state; with KAFKA_BOOTSTRAP_SERVERS set, only the state.
ENV FLOWMETER_DATA_DIR=/var/lib/flowmeter \
    JAVA_OPTS="-Xmx1g"
VOLUME ["/var/lib/flowmeter"]
USER flowmeter
EXPOSE 7070
# /health/live stays open without the API token; curl is part of the Temurin image (plain HTTP: with
# FLOWMETER_TLS_KEYSTORE set, override the check with https and -k). Generous start period: a cold
# start formats the embedded broker and restores the state stores.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${FLOWMETER_HTTP_PORT:-7070}/health/live" || exit 1
# exec: java is PID 1's only child, so SIGTERM from "docker stop" reaches it and it shuts down cleanly.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/flowmeter/flowmeter.jar"]
