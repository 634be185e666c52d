#!/usr/bin/env bash
# Benchmark smoke run: every benchmark at tiny sizes, once or twice (about 15 s).
# Asserts nothing about time; fails only when a benchmark no longer runs.
# The full run is `python -m bench` (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3
"$python" -m bench --smoke
