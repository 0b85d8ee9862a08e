#!/usr/bin/env bash
# The team stack from real engines, on loopback: an OpenTelemetry Collector built from
# demo/team/collector (OTLP in, span metrics to Prometheus, traces to Jaeger), Jaeger v2 built from
# demo/team/jaeger (`go get -tool …/cmd/jaeger`), and Debian's prometheus scraping the Collector.
#
#   scripts/team-stack.sh build        build both binaries once (cached, see below), print their paths
#   scripts/team-stack.sh built        exit 0 when both binaries are in the cache (builds nothing)
#   scripts/team-stack.sh start        build if needed, start all three, wait until each answers,
#                                      write $TEAM_STACK_DIR/stack.env (URLs, ports, pids)
#   scripts/team-stack.sh stop         stop what `start` started in $TEAM_STACK_DIR
#   scripts/team-stack.sh env          print $TEAM_STACK_DIR/stack.env
#
# Binaries are cached under $OTEL_FLOW_MAP_CACHE/team-stack (default ~/.cache/otel-flow-map),
# keyed by the release and a hash of the module files, so a second build is a file check.
# Ports: the fixed defaults below, each overridable from the environment (tests pass free ones).
# TEAM_STACK_SCRAPE=host:port[,host:port…] makes Prometheus also scrape those `serve`s' /metrics
# (a team that scrapes our serve: its typed otel_flow_map_edge_* family, `npm run demo -- --team`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TEAM="$ROOT/demo/team"
COLLECTOR_VERSION=v0.165.0
JAEGER_VERSION=v1.75.0
CACHE_DIR="${OTEL_FLOW_MAP_CACHE:-$HOME/.cache/otel-flow-map}/team-stack"
RUN_DIR="${TEAM_STACK_DIR:-$CACHE_DIR/run}"

export COLLECTOR_GRPC_PORT="${COLLECTOR_GRPC_PORT:-14317}"
export COLLECTOR_HTTP_PORT="${COLLECTOR_HTTP_PORT:-14318}"
export COLLECTOR_METRICS_PORT="${COLLECTOR_METRICS_PORT:-18889}"
export JAEGER_OTLP_GRPC_PORT="${JAEGER_OTLP_GRPC_PORT:-24317}"
export JAEGER_QUERY_PORT="${JAEGER_QUERY_PORT:-16686}"
export JAEGER_QUERY_GRPC_PORT="${JAEGER_QUERY_GRPC_PORT:-16685}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-19090}"

say() { echo "team-stack: $*" >&2; }

# A short hash of the files that decide what a binary is: a changed go.mod or main.go builds anew.
key_of() { cat "$@" | sha256sum | cut -c1-12; }

collector_bin() { echo "$CACHE_DIR/collector-$COLLECTOR_VERSION-$(key_of "$TEAM/collector/go.mod" "$TEAM/collector/go.sum" "$TEAM/collector/main.go")"; }
jaeger_bin() { echo "$CACHE_DIR/jaeger-$JAEGER_VERSION-$(key_of "$TEAM/jaeger/go.mod" "$TEAM/jaeger/go.sum")"; }

# go build into a temporary name, then rename: an interrupted build never leaves a cached binary.
build_one() {
  local name=$1 dir=$2 out=$3 pkg=$4
  if [[ -x "$out" ]]; then say "$name cached: $out"; return; fi
  command -v go >/dev/null 2>&1 || { say "go not found: the team stack needs Go >= 1.26"; exit 3; }
  mkdir -p "$CACHE_DIR"
  say "building $name (minutes on 2 cores the first time; logs in $out.log)"
  local t0=$SECONDS
  (cd "$dir" && GOFLAGS='-mod=readonly -buildvcs=false' nice -n 10 go build -trimpath -ldflags='-s -w' -o "$out.tmp" "$pkg") > "$out.log" 2>&1 \
    || { tail -30 "$out.log" >&2; exit 1; }
  mv "$out.tmp" "$out"
  say "$name built in $((SECONDS - t0)) s: $out"
}

build() {
  build_one collector "$TEAM/collector" "$(collector_bin)" .
  build_one jaeger "$TEAM/jaeger" "$(jaeger_bin)" github.com/jaegertracing/jaeger/cmd/jaeger
  command -v prometheus >/dev/null 2>&1 || { say "prometheus not found: apt-get install prometheus (npm run setup:test does)"; exit 3; }
}

# Polls a URL until it answers 2xx, or fails naming the engine and its log.
wait_http() {
  local name=$1 url=$2 log=$3 pid=$4 i
  for ((i = 0; i < 300; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { say "$name exited; last lines of $log:"; tail -20 "$log" >&2; return 1; }
    sleep 0.1
  done
  say "$name did not answer $url within 30 s; last lines of $log:"; tail -20 "$log" >&2; return 1
}

# Starts a program in its own process group, so stop ends it and nothing else.
spawn() {
  local log=$1; shift
  setsid "$@" > "$log" 2>&1 < /dev/null &
  echo $!
}

start() {
  build
  if [[ -f "$RUN_DIR/stack.env" ]]; then say "already started in $RUN_DIR (stop first)"; exit 1; fi
  mkdir -p "$RUN_DIR/prometheus-data"
  sed "s/__COLLECTOR_METRICS__/127.0.0.1:$COLLECTOR_METRICS_PORT/" "$TEAM/prometheus.yml" > "$RUN_DIR/prometheus.yml"
  if [[ -n "${TEAM_STACK_SCRAPE:-}" ]]; then
    printf "  - job_name: otel-flow-map\n    static_configs:\n      - targets: ['%s']\n" "$(sed "s/,/', '/g" <<< "$TEAM_STACK_SCRAPE")" >> "$RUN_DIR/prometheus.yml"
  fi
  local jpid cpid ppid
  jpid=$(spawn "$RUN_DIR/jaeger.log" "$(jaeger_bin)" --config "$TEAM/jaeger.yaml")
  echo "$jpid" > "$RUN_DIR/pids"
  cpid=$(spawn "$RUN_DIR/collector.log" "$(collector_bin)" --config "$TEAM/collector.yaml")
  echo "$cpid" >> "$RUN_DIR/pids"
  ppid=$(spawn "$RUN_DIR/prometheus.log" prometheus --config.file="$RUN_DIR/prometheus.yml" \
    --storage.tsdb.path="$RUN_DIR/prometheus-data" --web.listen-address="127.0.0.1:$PROMETHEUS_PORT")
  echo "$ppid" >> "$RUN_DIR/pids"
  wait_http jaeger "http://127.0.0.1:$JAEGER_QUERY_PORT/api/v3/services" "$RUN_DIR/jaeger.log" "$jpid" || { stop; exit 1; }
  wait_http collector "http://127.0.0.1:$COLLECTOR_METRICS_PORT/metrics" "$RUN_DIR/collector.log" "$cpid" || { stop; exit 1; }
  wait_http prometheus "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" "$RUN_DIR/prometheus.log" "$ppid" || { stop; exit 1; }
  cat > "$RUN_DIR/stack.env" <<EOF
COLLECTOR_OTLP_GRPC=http://127.0.0.1:$COLLECTOR_GRPC_PORT
COLLECTOR_OTLP_HTTP=http://127.0.0.1:$COLLECTOR_HTTP_PORT
COLLECTOR_METRICS=http://127.0.0.1:$COLLECTOR_METRICS_PORT/metrics
PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
JAEGER_URL=http://127.0.0.1:$JAEGER_QUERY_PORT
PIDS="$(tr '\n' ' ' < "$RUN_DIR/pids")"
EOF
  say "up: collector OTLP 127.0.0.1:$COLLECTOR_GRPC_PORT (gRPC) / :$COLLECTOR_HTTP_PORT (HTTP), prometheus http://127.0.0.1:$PROMETHEUS_PORT, jaeger http://127.0.0.1:$JAEGER_QUERY_PORT"
  cat "$RUN_DIR/stack.env"
}

stop() {
  [[ -f "$RUN_DIR/pids" ]] || { say "nothing started in $RUN_DIR"; return 0; }
  local pid
  while read -r pid; do
    [[ -n "$pid" ]] && kill -TERM -- "-$pid" 2>/dev/null || true
  done < "$RUN_DIR/pids"
  while read -r pid; do
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done < "$RUN_DIR/pids"
  rm -rf "$RUN_DIR/pids" "$RUN_DIR/stack.env" "$RUN_DIR/prometheus-data"
  say "stopped"
}

case "${1:-}" in
  build) build; echo "collector=$(collector_bin)"; echo "jaeger=$(jaeger_bin)"; echo "prometheus=$(command -v prometheus)" ;;
  start) start ;;
  built) [[ -x "$(collector_bin)" && -x "$(jaeger_bin)" ]] ;;
  stop) stop ;;
  env) cat "$RUN_DIR/stack.env" ;;
  *) echo "usage: scripts/team-stack.sh build|built|start|stop|env" >&2; exit 2 ;;
esac
