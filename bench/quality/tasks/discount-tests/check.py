"""The written tests must run and pass on discount.py, and fail on a broken copy of it."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

BROKEN = """def apply_discount(price: float, percent: float) -> float:
    return round(price * percent / 100, 2)
"""


def run_tests(folder):
    done = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", "test_discount"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=20,
    )
    ran = re.search(r"Ran (\d+) test", done.stderr)
    return done.returncode, int(ran.group(1)) if ran else 0, done.stderr


code, count, output = run_tests(os.getcwd())
assert code == 0 and count >= 1, f"tests do not pass on the real code:\n{output[-800:]}"
with tempfile.TemporaryDirectory() as tmp:
    shutil.copy("test_discount.py", tmp)
    with open(os.path.join(tmp, "discount.py"), "w") as f:
        f.write(BROKEN)
    code, count, output = run_tests(tmp)
    assert code != 0, "the tests pass on a broken apply_discount"
