#!/usr/bin/env bash
# Runs the local Kafka broker process (dev.papa.kafka.local.LocalKafkaMain) for the local stack.
#
#   kafka-local/bin/kafka-local.sh [--port 9092] [--data-dir runs/kafka] [--partitions 4]
#
# Arguments go to LocalKafkaMain unchanged (relative paths are relative to the caller's directory).
# stdout gets exactly one line, "kafka ready bootstrap=localhost:PORT"; diagnostics go to stderr.
# The java process replaces this shell (exec), so SIGTERM to this PID stops the broker cleanly.
#
# Builds the module first if kafka-local/target has no jar or classpath.txt (MVN overrides `mvn`).
# Start-up speed on a cold JVM: C1 only and the serial GC, plus an AppCDS archive of the broker's
# classes that the first run writes at exit (target/kafka-local.jsa) and later runs map; it is
# rewritten after the jar is rebuilt. JAVA_OPTS is added last.
set -euo pipefail

module="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$module/target"

find_jar() {
  find "$target" -maxdepth 1 -name 'papa-kafka-local-*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar' | head -n 1
}

jar="$( [ -d "$target" ] && find_jar || true )"
if [ -z "$jar" ] || [ ! -f "$target/classpath.txt" ]; then
  echo "kafka-local: building $module (first run)" >&2
  ${MVN:-mvn} -B -q -f "$module/../pom.xml" -pl kafka-local -am package -DskipTests >&2
  jar="$(find_jar)"
fi

classpath="$jar:$(cat "$target/classpath.txt")"
jsa="$target/kafka-local.jsa"
# The archive is only valid for the classpath it was dumped with (paths and jar timestamps): reuse
# it only if it was made for this classpath and after the jar; otherwise write a new one at exit.
if [ -f "$jsa" ] && [ "$jsa" -nt "$jar" ] && [ "$(cat "$jsa.classpath" 2>/dev/null)" = "$classpath" ]; then
  cds="-XX:SharedArchiveFile=$jsa"
else
  rm -f "$jsa"
  printf '%s' "$classpath" > "$jsa.classpath"
  cds="-XX:ArchiveClassesAtExit=$jsa"
fi

# JVM warnings (e.g. CDS) to stderr at error level only: stdout carries just the ready line.
# shellcheck disable=SC2086
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "$cds" -Xlog:disable -Xlog:all=error:stderr \
  ${JAVA_OPTS:-} -cp "$classpath" dev.papa.kafka.local.LocalKafkaMain "$@"
