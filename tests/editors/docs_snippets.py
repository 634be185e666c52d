"""Keep the setups in docs/editors.md (and README.md) identical to the files in editors/,
and the captured output in README.md, docs/provenance.md and docs/review.md identical to
docs/captured/.

In these docs, a line `<!-- include: PATH -->` is followed by a fenced block that
must hold exactly that file. `python tests/editors/docs_snippets.py --write` refreshes
the blocks; tests/editors/test_docs_snippets.py fails when they drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "editors.md"
# every doc whose include blocks are kept in step
DOCS = (DOC, REPO / "README.md", REPO / "docs" / "provenance.md", REPO / "docs" / "review.md")
_INCLUDE = re.compile(
    r"^<!-- include: (?P<path>\S+) -->\n(?P<fence>```+)(?P<lang>\w*)\n(?P<body>.*?)^(?P=fence)$",
    re.MULTILINE | re.DOTALL,
)


def included(doc: str) -> dict[str, str]:
    """Included path -> the block's text as it stands in the doc."""
    return {m["path"]: m["body"] for m in _INCLUDE.finditer(doc)}


def refreshed(doc: str) -> str:
    """The doc with every included block replaced by its file's current text."""

    def fill(m: re.Match[str]) -> str:
        body = (REPO / m["path"]).read_text(encoding="utf-8")
        return f"<!-- include: {m['path']} -->\n{m['fence']}{m['lang']}\n{body}{m['fence']}"

    return _INCLUDE.sub(fill, doc)


def main(argv: list[str]) -> int:
    stale = 0
    for path in (p for p in DOCS if p.exists()):
        doc = path.read_text(encoding="utf-8")
        fresh = refreshed(doc)
        if "--write" in argv:
            path.write_text(fresh, encoding="utf-8")
        elif fresh != doc:
            print(f"{path} is stale: run python {Path(__file__).relative_to(REPO)} --write")
            stale = 1
    return stale


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
