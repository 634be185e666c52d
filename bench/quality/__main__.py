"""`python -m bench.quality`: see bench/quality/runner.py and docs/quality.md."""

import sys

from bench.quality.runner import main

sys.exit(main())
