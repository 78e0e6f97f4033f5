#!/usr/bin/env bash
# Start, stop or check the local Neo4j server: `make neo4j`, `make neo4j-stop`.
#
#   tools/neo4j/neo4j.sh start    builds the launcher if needed, starts Neo4j in the
#                                 background, returns once Bolt and HTTP answer
#   tools/neo4j/neo4j.sh stop     stops it (data stays in var/neo4j/home)
#   tools/neo4j/neo4j.sh status
#   tools/neo4j/neo4j.sh import DIR...
#                                 bulk import into an EMPTY database: stops the server, runs
#                                 graphsvc load --bulk (graphsvc's validation, then Neo4j's
#                                 importer), starts the server again and lets graphsvc create
#                                 its constraints; a bad row or a database that holds data
#                                 imports nothing
#   tools/neo4j/neo4j.sh classpath
#                                 builds the launcher if needed, prints its Java classpath
#
# Environment: NEO4J_USER / NEO4J_PASSWORD (default neo4j / graphsvc-dev), NEO4J_AUTH=none
# to turn auth off, NEO4J_BOLT_PORT (7687), NEO4J_HTTP_PORT (7474), NEO4J_HEAP (4g),
# NEO4J_PAGECACHE_MB (4096), NEO4J_JAVA_OPTS (JVM flags in place of the defaults below),
# NEO4J_CONF (a file of further neo4j.conf settings), NEO4J_STATE_DIR (var/neo4j),
# NEO4J_GUIDE_HOSTS (hosts Browser may load guides from; localhost,127.0.0.1,guides.neo4j.com),
# NEO4J_BROWSER_GUIDE (a guide URL Browser plays on connecting, e.g.
# http://127.0.0.1:8000/browser-guide). The first start
# downloads the jars from Maven Central into ~/.m2; later starts need no network.
# GRAPHSVC_PYTHON: the Python that runs graphsvc for `import` (default .venv/bin/python, else
# python3).
set -euo pipefail
cd "$(dirname "$0")/../.."

launcher=tools/neo4j
state=${NEO4J_STATE_DIR:-var/neo4j}
pidfile=$state/neo4j.pid
log=$state/neo4j.log
bolt_port=${NEO4J_BOLT_PORT:-7687}
http_port=${NEO4J_HTTP_PORT:-7474}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
# The JVM flags Neo4j's own launcher sets (the opens let it reach direct buffers), with the
# throughput collector: on 2 cores a changed district's load took 2.0 s with it against 3.0 s
# with G1 (docs/benchmarks-neo4j.md); the data lives off-heap in the page cache, so the heap
# holds only transient query state and its full pauses stay short (0.2-0.5 s measured).
java_opts="-XX:+UseParallelGC -XX:-OmitStackTraceInFastThrow -XX:+UnlockExperimentalVMOptions \
-XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -Djdk.nio.maxCachedBufferSize=1024 \
-Dio.netty.tryReflectionSetAccessible=true --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running_pid() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"; }

build() {
  local stamp=$launcher/target/.built
  if [ ! -f "$stamp" ] || [ ! -s "$launcher/target/classpath.txt" ] \
     || [ "$launcher/pom.xml" -nt "$stamp" ] \
     || [ -n "$(find "$launcher/src" -newer "$stamp" -print -quit)" ]; then
    echo "building the Neo4j launcher (Maven) ..."
    mvn -q -B -f "$launcher/pom.xml" compile dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt
    touch "$stamp"
  fi
}

start() {
  if answers "$bolt_port"; then
    echo "Neo4j already answers on bolt://127.0.0.1:$bolt_port"
    return 0
  fi
  build
  mkdir -p "$state"
  rm -f "$state/ready"
  NEO4J_READY_FILE="$state/ready" NEO4J_HOME_DIR="$state/home" NEO4J_BOLT_PORT=$bolt_port NEO4J_HTTP_PORT=$http_port \
  NEO4J_PAGECACHE_MB=${NEO4J_PAGECACHE_MB:-4096} \
    nohup "$java" -Xms1g "-Xmx${NEO4J_HEAP:-4g}" ${NEO4J_JAVA_OPTS:-$java_opts} \
      -cp "$launcher/target/classes:$(cat "$launcher/target/classpath.txt")" \
      graphsvc.tools.Neo4jServer >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 240); do
    if [ -f "$state/ready" ] && answers "$bolt_port" && answers "$http_port"; then
      echo "Neo4j is up: bolt://127.0.0.1:$bolt_port, Browser http://127.0.0.1:$http_port/browser/ (log: $log)"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "Neo4j exited while starting; the end of $log:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
    sleep 1
  done
  echo "Neo4j did not answer within 240 s; see $log" >&2
  return 1
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "Neo4j stopped"
  else
    echo "Neo4j is not running (from $pidfile)"
  fi
  rm -f "$pidfile"
}

status() {
  if answers "$bolt_port"; then echo "Neo4j answers on bolt://127.0.0.1:$bolt_port"; else echo "Neo4j is down"; return 1; fi
}

classpath() {
  build >&2
  echo "$PWD/$launcher/target/classes:$(cat "$launcher/target/classpath.txt")"
}

import_files() {
  [ $# -gt 0 ] || { echo "usage: $0 import DIR..." >&2; exit 2; }
  local python=${GRAPHSVC_PYTHON:-}
  if [ -z "$python" ]; then
    if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
  fi
  build
  stop
  local status=0
  PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} "$python" -m cli load "$@" \
      --store "neo4j://127.0.0.1:$bolt_port" --bulk --neo4j-home "$state/home" || status=$?
  # Start again whatever happened: a refused or failed import leaves no data behind.
  start
  if [ "$status" -eq 0 ]; then
    # graphsvc creates its uniqueness constraints (and their indexes) when it first connects.
    PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} "$python" -c \
      'import sys; from graphsvc.stores import open_store; open_store(sys.argv[1]).close()' \
      "neo4j://127.0.0.1:$bolt_port" || status=$?
  fi
  return $status
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  classpath) classpath ;;
  import) shift; import_files "$@" ;;
  *) echo "usage: $0 start|stop|status|classpath|import DIR..." >&2; exit 2 ;;
esac
