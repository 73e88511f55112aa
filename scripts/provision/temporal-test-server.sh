#!/usr/bin/env bash
# Fetches Temporal's time-skipping test server for the fast workflow tests and caches it outside
# the clone, so the second run takes milliseconds. The SDK would download a native build from
# temporal.download; it is published on Maven Central too (io.temporal:temporal-test-server, main
# class io.temporal.testserver.TestServer), which only needs a JRE and Maven. Prints the path of
# an executable wrapper that takes what the SDK passes: `<port> [--enable-time-skipping]`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$(dirname "$TEMPORAL_TEST_SERVER_BIN")"
ready="$dir/.complete"
if [ -x "$TEMPORAL_TEST_SERVER_BIN" ] && [ -f "$ready" ]; then
  echo "$TEMPORAL_TEST_SERVER_BIN"
  exit 0
fi

command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
command -v mvn >/dev/null 2>&1 || apt_install maven
java_bin="$(command -v java)" || die "java is not on PATH after installing it"
command -v mvn >/dev/null 2>&1 || die "mvn is not on PATH after installing it"

mkdir -p "$dir"
exec 9>"$dir/.fetch.lock"
flock 9  # two scripts starting at once fetch it once
if [ -x "$TEMPORAL_TEST_SERVER_BIN" ] && [ -f "$ready" ]; then echo "$TEMPORAL_TEST_SERVER_BIN"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "fetching io.temporal:temporal-test-server:$TEMPORAL_TEST_SERVER_VERSION and its dependencies from Maven (first run only; ~40 MB)"
cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.zhongshu</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$TEMPORAL_TEST_SERVER_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
mvn -B -q -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1 ||
  { cat "$tmp/mvn.log" >&2; die "mvn could not fetch io.temporal:temporal-test-server:$TEMPORAL_TEST_SERVER_VERSION (see above): is Maven Central (or your settings.xml mirror) reachable?"; }
jar="$tmp/lib/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION.jar"
[ -f "$jar" ] || die "mvn finished but $jar is missing"

rm -rf "$dir/lib"
mv "$tmp/lib" "$dir/lib"
# exec: the SDK stops the server by killing the process it started, which must be the JVM itself.
# One JIT tier and the serial collector start it faster and keep it light on small machines.
cat >"$TEMPORAL_TEST_SERVER_BIN" <<WRAPPER
#!/bin/sh
# Temporal time-skipping test server $TEMPORAL_TEST_SERVER_VERSION; written by scripts/provision/temporal-test-server.sh.
# Usage: temporal-test-server <port> [--enable-time-skipping]
exec "$java_bin" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \${ZHONGSHU_TEST_SERVER_JAVA_OPTS:-} -cp "$dir/lib/*" io.temporal.testserver.TestServer "\$@"
WRAPPER
chmod +x "$TEMPORAL_TEST_SERVER_BIN"

# A wrapper that cannot start the server is not provisioned: with no arguments it prints its usage.
"$TEMPORAL_TEST_SERVER_BIN" 2>&1 | grep -q 'Usage: <command> <port>' || die "$TEMPORAL_TEST_SERVER_BIN does not run io.temporal.testserver.TestServer: check $dir/lib"
touch "$ready"
say "temporal test server $TEMPORAL_TEST_SERVER_VERSION ready: $TEMPORAL_TEST_SERVER_BIN"
echo "$TEMPORAL_TEST_SERVER_BIN"
