#!/usr/bin/env bash
# Install the benchmark peers into bench/.venv (gitignored), apart from agentls' own venv.
#   bash bench/setup-peers.sh          jedi-language-server, python-lsp-server, profilers, copilot
#   bash bench/setup-peers.sh --quick  jedi-language-server only (for the smoke run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
python="${BENCH_PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
if [ "${1:-}" = "--quick" ]; then
  "${pip[@]}" jedi-language-server
  exit 0
fi
"${pip[@]}" jedi-language-server python-lsp-server pyinstrument py-spy
# Copilot's server comes from npm; it is optional (skipped when npm is missing or fails).
if command -v npm >/dev/null; then
  npm install --silent --no-audit --no-fund --prefix "$venv/npm" @github/copilot-language-server \
    || echo "bench: copilot-language-server not installed (npm failed); it will be skipped" >&2
fi
