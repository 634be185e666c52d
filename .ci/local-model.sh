#!/usr/bin/env bash
# Real local model end to end: installs agentls[local] (the prebuilt llama.cpp), pulls the
# pinned default model (cached in the user cache, so reruns skip the download), then runs
# tests/local/real_model: the child's lifecycle against the real server, `agentls run` and
# an LSP "Implement backend" session on examples/hello-backend. Prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
log() { printf '[local-model] %s\n' "$*" >&2; }

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q '.[test]'
fi
# Install what agentls[local] adds, read from the installed metadata, without reinstalling
# agentls itself (a developer's editable install stays editable).
log "installing agentls[local]"
mapfile -t extra < <(.venv/bin/python - <<'PY'
from importlib.metadata import requires

for requirement in requires("agentls") or []:
    spec, _, marker = requirement.partition(";")
    if "extra" in marker and '"local"' in marker:
        print(spec.strip())
PY
)
((${#extra[@]})) || { log "agentls declares no [local] extra"; exit 1; }
.venv/bin/pip install -q "${extra[@]}"
log "pulling the default model"
.venv/bin/agentls model pull

report="$(mktemp -d)/junit.xml"
status=0
AGENTLS_REAL_MODEL_TESTS=1 timeout 420 .venv/bin/pytest -q -p no:cacheprovider \
  --junitxml="$report" tests/local/real_model || status=$?
.venv/bin/python - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 passed, 1 failed (no test report)")
    sys.exit(0)
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"{total - failed - skipped} passed, {failed} failed")
PY
exit "$status"
