"""Recognise file paths in fence info strings and in label lines above a fence."""

from __future__ import annotations

import re

_KEYED = re.compile(r"""\b(?:title|file|filename|path|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_EXTENSION = re.compile(r"\.[A-Za-z0-9_+-]{1,12}$")
_BARE_NAMES = frozenset(
    {"Makefile", "Dockerfile", "Containerfile", "Procfile", "Gemfile", "Rakefile", "Justfile"}
)
_FORBIDDEN = set(" \t`*<>|\"'")
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
_PREFIX = re.compile(
    r"^(?:file(?:\s*name)?|path|new file|updated file|modified file)\s*:\s*", re.IGNORECASE
)
_REMARK = re.compile(r"\s*\((?:new|new file|updated|modified|created?|changed)\)\s*:?\s*$", re.I)
_TRAILING_BACKTICKED = re.compile(r"`([^`\s]+)`\s*:?\s*$")
_WRAPPERS = ("**", "__", "`", "*", "_")
# A path in running prose ("Changes to `x.y`:") must look like a source file.
_COMMON_EXTENSIONS = frozenset(
    {
        "py",
        "pyi",
        "js",
        "jsx",
        "ts",
        "tsx",
        "mjs",
        "cjs",
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "cfg",
        "md",
        "rst",
        "txt",
        "html",
        "css",
        "scss",
        "go",
        "rs",
        "java",
        "kt",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "cs",
        "rb",
        "php",
        "sh",
        "bash",
        "zsh",
        "sql",
        "lua",
        "swift",
        "vue",
        "svelte",
        "xml",
        "env",
        "lock",
    }
)


def looks_like_path(text: str) -> bool:
    """A single token that is plausibly a file path (not a word, URL or number)."""
    if not text or len(text) > 4096 or any(c in _FORBIDDEN for c in text):
        return False
    if "://" in text or text.endswith(("/", ".", ":", ",")):
        return False
    if not any(c.isalpha() for c in text):
        return False
    name = text.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if name in _BARE_NAMES or (name.startswith(".") and len(name) > 1):
        return True
    return bool(_EXTENSION.search(name)) and not name.startswith(".")


def path_from_info(info: str) -> str | None:
    """The path named in a fence's info string, e.g. ``python title="a.py"`` or ``py:a.py``."""
    info = info.strip()
    if not info:
        return None
    keyed = _KEYED.search(info)
    if keyed:
        value = next(g for g in keyed.groups() if g is not None).strip()
        # `title=`/`path=`/`file=` is a claim about a file, whatever it looks like:
        # confinement judges it, so a refused path never falls back to the selection.
        return value or None
    tokens = info.split()
    first = tokens[0]
    if ":" in first:
        _, _, after = first.partition(":")
        if looks_like_path(after):
            return after
    for token in tokens:
        if looks_like_path(token) and token not in _BARE_NAMES:
            return token
    return None


def path_from_label(line: str) -> str | None:
    """The path a whole line names, in any common markdown decoration, else None.

    Accepts ``app/x.py``, `` `app/x.py` ``, ``**app/x.py**``, ``### app/x.py``,
    ``File: `app/x.py` ``, with or without a trailing colon or a remark such as
    ``(new file)``; also a short line ending in a backticked path such as
    ``Changes to `app/x.py`:``, and a heading ending in a path (``## Update app/x.py``).
    """
    text = line.strip()
    if not text or len(text) > 300:
        return None
    heading = text.startswith("#")
    for _ in range(6):
        before = text
        text = _HEADING.sub("", _LIST_MARKER.sub("", text))
        text = _REMARK.sub("", text).rstrip(":").strip()
        text = _PREFIX.sub("", text)
        for mark in _WRAPPERS:
            if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
                text = text[len(mark) : -len(mark)].strip()
        if text == before:
            break
    if looks_like_path(text) or _claims_location(text):
        return text
    short = len(line.strip()) <= 100
    tail = _TRAILING_BACKTICKED.search(_REMARK.sub("", line.strip()))
    if tail and short and _plausible_in_prose(tail.group(1)):
        return tail.group(1)
    last = text.split()[-1].strip("`*_:") if heading and text.split() else ""
    if short and _plausible_in_prose(last):
        return last
    return None


def _claims_location(text: str) -> bool:
    """A lone token that can only be a place on disk (``~/.ssh/x``, ``.git/config``)."""
    return (
        " " not in text
        and len(text) > 2
        and (text.startswith(("~/", "./", "../", "/")) or ".git/" in text)
    )


def _plausible_in_prose(token: str) -> bool:
    if not looks_like_path(token):
        return False
    extension = token.rsplit(".", 1)[-1].lower()
    return "/" in token or extension in _COMMON_EXTENSIONS


_COMMENT_LABEL = re.compile(
    r"^\s*(?:#|//|--|;|/\*|<!--)\s*(?:(?:file(?:\s*name)?|path)\s*:\s*)?`?([^\s`]+)`?\s*(?:\*/|-->)?\s*$",
    re.IGNORECASE,
)


def path_from_comment(line: str) -> str | None:
    """The path in a first-line comment such as ``# app/x.py`` or ``// File: src/a.ts``."""
    m = _COMMENT_LABEL.match(line)
    if m and _plausible_in_prose(m.group(1)):
        return m.group(1)
    return None
