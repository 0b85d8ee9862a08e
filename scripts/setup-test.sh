#!/usr/bin/env bash
# Installs what the test suite needs beyond `npm ci`: Debian Chromium (webview + VS Code UI tests),
# Debian's Prometheus (scrapes /metrics in test/receiver/prometheus.test.ts) and code-server
# 4.100.3 (a real VS Code on Node 20). Idempotent; safe to re-run.
# Also the real OpenTelemetry SDK test clients in build/ (gitignored): a Python venv from
# test/clients/python/requirements.txt and the Go module test/clients/go, downloaded and built;
# and the team stack's Collector and Jaeger (scripts/team-stack.sh build: several minutes the first
# time on 2 cores, then cached under ~/.cache/otel-flow-map/team-stack).
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
CACHE_DIR="${OTEL_FLOW_MAP_CACHE:-$HOME/.cache/otel-flow-map}"
CS_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(build-essential)
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  echo "setup:test: installing ${need_apt[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# Python SDK client (test/receiver/sdkPython.test.ts): pip into a venv, redone only when the
# pinned requirements change (the copy kept in the venv says what it holds).
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY_VENV="$ROOT/build/py-otel"
PY_REQ="$ROOT/test/clients/python/requirements.txt"
if [[ -x "$PY_VENV/bin/opentelemetry-instrument" ]] && cmp -s "$PY_REQ" "$PY_VENV/requirements.txt"; then
  echo "setup:test: Python OpenTelemetry client present in build/py-otel"
else
  echo "setup:test: installing the Python OpenTelemetry client into build/py-otel (about 20 s)"
  python3 -m venv --clear "$PY_VENV"
  "$PY_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input --only-binary=:all: -r "$PY_REQ"
  cp "$PY_REQ" "$PY_VENV/requirements.txt"
fi
# Go SDK client (test/receiver/sdkGo.test.ts): modules into the module cache, binary into build/
# (both no-ops when already there; the test rebuilds offline with the same flags).
if command -v go >/dev/null 2>&1; then
  echo "setup:test: Go OpenTelemetry client: go mod download, go build into build/go-otel"
  (cd "$ROOT/test/clients/go" && go mod download && GOFLAGS='-mod=readonly -buildvcs=false' go build -o "$ROOT/build/go-otel/shop" .)
  # The team stack's binaries (test/receiver/teamStack.test.ts): a file check once cached.
  t0=$SECONDS
  "$ROOT/scripts/team-stack.sh" build
  echo "setup:test: team stack ready in $((SECONDS - t0)) s"
else
  echo "setup:test: go not found: the Go SDK and team stack tests skip locally and fail under CI (needs Go >= 1.26)"
fi

if [[ -x "$CS_DIR/node_modules/.bin/code-server" ]]; then
  echo "setup:test: code-server $CODE_SERVER_VERSION present in $CS_DIR"
  exit 0
fi

echo "setup:test: installing code-server $CODE_SERVER_VERSION into $CS_DIR (about 80 s)"
mkdir -p "$CS_DIR"
tmp="$CACHE_DIR/tmp"
rg_cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache" "$tmp/rgpkg"
# @vscode/ripgrep downloads rg at install time; hand it Debian's rg from its cache folder instead.
cp "$(command -v rg)" "$tmp/rgpkg/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rgpkg" rg
cd "$CS_DIR"
[[ -f package.json ]] || echo '{"name":"code-server-host","private":true}' > package.json
TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --no-audit --no-fund --foreground-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" > "$CACHE_DIR/code-server-install.log" 2>&1 \
  || { tail -40 "$CACHE_DIR/code-server-install.log"; exit 1; }
test -x "$CS_DIR/node_modules/.bin/code-server"
echo "setup:test: code-server ready"
