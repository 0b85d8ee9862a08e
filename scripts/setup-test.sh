#!/usr/bin/env bash
# Installs what the test suite needs beyond `npm ci`: Debian Chromium (webview + VS Code UI tests),
# Debian's Prometheus (scrapes /metrics in test/receiver/prometheus.test.ts) and code-server
# 4.100.3 (a real VS Code on Node 20). Idempotent; safe to re-run.
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
if ((${#need_apt[@]})); then
  echo "setup:test: installing ${need_apt[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
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
