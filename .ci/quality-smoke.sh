#!/usr/bin/env bash
# Quality bench smoke: two small tasks, once, through both flows (the real `agentls run`
# and the naive baseline) with agentls's default model SmolLM2-135M on the embedded
# llama.cpp. Passes when the harness runs end to end; the model being wrong is fine.
# Writes its report to a temporary folder, never to docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
log() { printf '[quality-smoke] %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q '.[test]'
fi
if ! .venv/bin/python -c 'import xllamacpp' 2>/dev/null; then
  # What agentls[local] adds, read from the installed metadata (as .ci/local-model.sh does),
  # so an editable install of agentls stays editable.
  log "installing agentls[local]"
  mapfile -t extra < <(.venv/bin/python -c '
from importlib.metadata import requires
print("\n".join(r.partition(";")[0].strip() for r in requires("agentls") or []
                if "extra" in r.partition(";")[2] and "\"local\"" in r.partition(";")[2]))')
  ((${#extra[@]})) || { log "agentls declares no [local] extra"; exit 1; }
  .venv/bin/pip install -q "${extra[@]}"
fi
if [ ! -f "$(.venv/bin/agentls model path)" ]; then
  log "pulling the default model"
  .venv/bin/agentls model pull
fi
log "running python -m bench.quality --smoke"
timeout 900 .venv/bin/python -m bench.quality --smoke
