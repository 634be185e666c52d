"""Small text helpers shared by the edits modules (pure)."""

from __future__ import annotations


def split_keepends(text: str) -> list[str]:
    """Split on "\\n" only (unlike str.splitlines), keeping the line ends."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def join_lines(lines: list[str]) -> str:
    """Lines without ends -> text where every line ends with a newline."""
    return "".join(line + "\n" for line in lines)


def detect_eol(text: str) -> str:
    """The file's dominant line ending: "\\r\\n" or "\\n"."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def from_lf(text: str, eol: str) -> str:
    return text if eol == "\n" else text.replace("\n", eol)


def lf_offset(text: str, offset: int) -> int:
    """Map a code-point offset in ``text`` to the same place in ``to_lf(text)``."""
    offset = max(0, min(offset, len(text)))
    removed = text.count("\r\n", 0, offset)
    if offset > 0 and text[offset - 1] == "\r" and text[offset : offset + 1] == "\n":
        removed += 1  # offset sits between "\r" and "\n": move it before the pair
    return offset - removed


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def common_indent(lines: list[str]) -> str:
    """Longest leading whitespace shared by the non-blank lines."""
    found: str | None = None
    for line in lines:
        if not line.strip():
            continue
        ind = indentation(line)
        if found is None:
            found = ind
        else:
            n = 0
            while n < min(len(found), len(ind)) and found[n] == ind[n]:
                n += 1
            found = found[:n]
    return found or ""


def reindent(lines: list[str], remove: str, add: str) -> list[str]:
    """Strip ``remove`` from the start of each non-blank line, then prefix ``add``."""
    out = []
    for line in lines:
        if not line.strip():
            out.append(line.strip(" \t"))
            continue
        body = line[len(remove) :] if line.startswith(remove) else line.lstrip(" \t")
        out.append(add + body)
    return out
