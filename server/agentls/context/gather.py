"""Choose what the model sees: a file tree and the most relevant files, within a budget.

Tokens are estimated as characters / 4. The budget is `settings.max_tokens`; the tree
takes at most a quarter of it. Order of relevance:
- the document (always sent, even over budget, redacted like everything else);
- project rules (`context.rules`: AGENTS.md, CLAUDE.md, …), in `ContextBundle.rules`
  and never again among the files, unless `project_rules` is off;
- files named in the instruction (path, file name or stem);
- selection scope: files the document imports and same-folder neighbours, together at
  most RELATED_SHARE of the budget and RELATED_MAX_FILES files;
- workspace scope: specs/READMEs/docs, manifests, files the document imports,
  neighbours, then every other file from smallest to largest until the budget is spent
  (so a small workspace is sent whole).
Open-editor text wins over disk. Binary (NUL in the first 8 KiB), non-UTF-8, too large
and unreadable files are skipped and listed in `omitted`; nothing here raises. Files are
read only through the index, so never from outside the root or from secret files.
When `redact_secrets` is off, the process's own API-key values are still redacted.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from agentls.config import ContextSettings
from agentls.context.index import WorkspaceIndex
from agentls.context.rules import find_rules, rule_paths
from agentls.context.secrets import redact, redact_values
from agentls.document import DocumentSnapshot, Scope
from agentls.files import read_utf8

CHARS_PER_TOKEN = 4
FILE_OVERHEAD_CHARS = 40  # the path header and fence around each file in the prompt
TREE_SHARE = 0.25
RELATED_SHARE = 0.25
RELATED_MAX_FILES = 8
NEIGHBOURS_MAX = 20
BINARY_SNIFF_BYTES = 8192

DOC_NAMES = re.compile(
    r"^(readme|spec|specs|specification|design|architecture|requirements|api|contributing"
    r"|openapi|swagger|schema)\b",
    re.IGNORECASE,
)
DOC_FOLDERS = frozenset({"docs", "doc", "spec", "specs", "design", "adr"})
DOC_SUFFIXES = frozenset({".md", ".rst", ".txt", ".adoc"})
MANIFEST_NAMES = frozenset(
    {
        "pyproject.toml", "setup.py", "setup.cfg", "package.json", "tsconfig.json",
        "go.mod", "cargo.toml", "gemfile", "pom.xml", "build.gradle", "build.gradle.kts",
        "composer.json", "dockerfile", "docker-compose.yml", "docker-compose.yaml",
        "compose.yml", "compose.yaml", "makefile", "alembic.ini", "manage.py",
        "pipfile", "mix.exs", "deno.json",
    }
)  # fmt: skip
MANIFEST_PATTERNS = re.compile(
    r"^(requirements.*\.txt|.*\.sql|.*\.prisma|.*\.proto|.*\.graphql|openapi\..*|swagger\..*"
    r"|dockerfile\..*|.*\.dockerfile)$",
    re.IGNORECASE,
)
NOT_NAMES = frozenset({"the", "and", "for", "with", "this", "that", "from", "into", "file", "code"})

_PY_IMPORT = re.compile(
    r"^\s*(?:from\s+(\.*[\w.]*)\s+import\s+\(?([\w, ]*)|import\s+([\w.]+))", re.M
)
_JS_IMPORT = re.compile(
    r"""(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)["'](\.{1,2}/[^"']+)["']"""
)
_JS_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".vue", ".svelte")
_WORDS = re.compile(r"[\w][\w./-]*")


@dataclass(frozen=True, slots=True)
class ContextFile:
    path: str  # workspace-relative POSIX path
    text: str  # redacted
    reason: str  # why it was chosen: "document", "named in the instruction", "docs", ...


@dataclass(frozen=True, slots=True)
class ContextBundle:
    tree: str  # one path per line, bounded
    files: tuple[ContextFile, ...]  # most relevant first; the document first when given
    omitted: tuple[str, ...]  # paths considered but not sent (binary, too large, budget)
    redactions: int
    rules: tuple[ContextFile, ...] = ()  # project rules, root first (nearer = more specific)

    @property
    def estimated_tokens(self) -> int:
        sent = (*self.files, *self.rules)
        chars = len(self.tree) + sum(len(f.text) + FILE_OVERHEAD_CHARS for f in sent)
        return chars // CHARS_PER_TOKEN


def gather_context(
    *,
    index: WorkspaceIndex,
    scope: Scope,
    document: DocumentSnapshot | None,
    selection: tuple[int, int],
    instruction: str,
    open_documents: Mapping[str, DocumentSnapshot],
    settings: ContextSettings,
    secret_values: Sequence[str],
) -> ContextBundle:
    """Pick and read the files for one run. `selection` is kept for future use by scope
    heuristics; the engine marks the selection in the document itself."""
    del selection
    all_files = index.files()
    budget = settings.max_tokens * CHARS_PER_TOKEN
    tree = render_tree(all_files, settings.max_tree_entries, int(budget * TREE_SHARE))
    reader = _Reader(index, settings, open_documents, secret_values)
    spent = len(tree)
    chosen: list[ContextFile] = []
    omitted: list[str] = []

    if document is not None:
        text = reader.redacted(document.path, document.text)
        chosen.append(ContextFile(document.path, text, "document"))
        spent += len(text) + FILE_OVERHEAD_CHARS

    taken = {document.path} if document else set()
    rules: tuple[ContextFile, ...] = ()
    if settings.project_rules:
        here = document.path if document else None
        taken.update(rule_paths(here))
        found, left_out = find_rules(here, reader.read, budget - spent, FILE_OVERHEAD_CHARS)
        rules = tuple(ContextFile(path, text, "project rules") for path, text in found)
        spent += sum(len(f.text) + FILE_OVERHEAD_CHARS for f in rules)
        omitted.extend(left_out)
    related_left = RELATED_MAX_FILES
    related_budget = spent + int(budget * RELATED_SHARE)
    for path, reason in _ranked(all_files, scope, document, instruction, index):
        if path in taken:
            continue
        taken.add(path)
        limit = min(related_budget, budget) if scope == "selection" else budget
        if scope == "selection" and related_left <= 0:
            break
        outcome = reader.read(path)
        if outcome is None:
            omitted.append(path)
            continue
        cost = len(outcome) + FILE_OVERHEAD_CHARS
        if spent + cost > limit:
            omitted.append(path)
            if reason == "workspace":
                break  # the rest are larger still
            continue
        chosen.append(ContextFile(path, outcome, reason))
        spent += cost
        related_left -= 1
    return ContextBundle(tree, tuple(chosen), tuple(omitted), reader.redactions, rules)


def render_tree(files: Sequence[str], max_entries: int, max_chars: int) -> str:
    """One path per line, cut at `max_entries` lines or `max_chars`, with a count."""
    lines: list[str] = []
    used = 0
    for path in files[:max_entries]:
        if used + len(path) + 1 > max_chars:
            break
        lines.append(path)
        used += len(path) + 1
    rest = len(files) - len(lines)
    if rest:
        lines.append(f"… and {rest} more files")
    return "\n".join(lines)


# ---- ranking --------------------------------------------------------------------------


def _ranked(
    files: Sequence[str],
    scope: Scope,
    document: DocumentSnapshot | None,
    instruction: str,
    index: WorkspaceIndex,
) -> Iterator[tuple[str, str]]:
    """(path, reason) in decreasing relevance; a path may repeat (first one counts)."""
    yield from ((p, "named in the instruction") for p in named_in(instruction, files))
    if scope == "workspace":
        yield from ((p, "docs") for p in sorted(filter(is_doc, files), key=_shallow_first))
        yield from ((p, "manifest") for p in sorted(filter(is_manifest, files), key=_shallow_first))
    if document is not None:
        yield from ((p, "imported") for p in imported_by(document, files))
        yield from ((p, "neighbour") for p in neighbours(document.path, files))
    if scope == "workspace":
        yield from ((p, "workspace") for p in _by_size(index, files))


def named_in(instruction: str, files: Sequence[str]) -> list[str]:
    """Files whose path, file name or stem (3+ letters, one match or few) is a word."""
    words = {w.rstrip(".:,;") for w in _WORDS.findall(instruction)}
    words = {w for w in words if w and w.lower() not in NOT_NAMES}
    if not words:
        return []
    found: list[str] = []
    by_stem: dict[str, list[str]] = {}
    for path in files:
        name = path.rpartition("/")[2]
        stem = name.partition(".")[0]
        if path in words or name in words or any(path.endswith("/" + w) for w in words if "/" in w):
            found.append(path)
        elif len(stem) >= 3 and stem in words:
            by_stem.setdefault(stem, []).append(path)
    for matches in by_stem.values():
        if len(matches) <= 3:  # a stem shared by many files names none of them
            found.extend(matches)
    return found


def is_doc(path: str) -> bool:
    if is_manifest(path):
        return False
    parts = path.split("/")
    name = parts[-1]
    suffix = _suffix(name)
    if DOC_NAMES.match(name) and (suffix in DOC_SUFFIXES or suffix in {".yaml", ".yml", ".json"}):
        return True
    return suffix in {".md", ".rst", ".adoc"} and (
        len(parts) == 1 or parts[0].lower() in DOC_FOLDERS
    )


def is_manifest(path: str) -> bool:
    name = path.rpartition("/")[2].lower()
    return name in MANIFEST_NAMES or bool(MANIFEST_PATTERNS.match(name))


def imported_by(document: DocumentSnapshot, files: Sequence[str]) -> list[str]:
    """Workspace files the document imports (Python modules, relative JS/TS imports)."""
    folder = posixpath.dirname(document.path)
    present = set(files)
    by_name: dict[str, list[str]] = {}
    for path in files:
        by_name.setdefault(path.rpartition("/")[2], []).append(path)
    found: list[str] = []
    for target, relative in _python_import_targets(document.text, folder):
        if relative:  # `from .db import x`: exactly that file
            found.extend([target] if target in present else [])
            continue
        # `import app.db`: app/db.py at the root or below a source folder (src/app/db.py)
        same_name = by_name.get(target.rpartition("/")[2], [])
        found.extend(p for p in same_name if p == target or p.endswith("/" + target))
    for spec in _JS_IMPORT.findall(document.text):
        base = posixpath.normpath(posixpath.join(folder, spec))
        candidates = [base + s for s in _JS_SUFFIXES]
        candidates += [f"{base}/index{s}" for s in _JS_SUFFIXES[1:]]
        found.extend(c for c in candidates if c in present)
    return _unique(found)


def _python_import_targets(text: str, folder: str) -> Iterator[tuple[str, bool]]:
    """(candidate path, is relative) for each module an import may name."""
    for relative_module, names, plain in _PY_IMPORT.findall(text):
        module = relative_module or plain
        dots = len(module) - len(module.lstrip("."))
        dotted = module.lstrip(".")
        base = ""
        if dots:
            base = folder
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
        stems = [dotted.replace(".", "/")] if dotted else []
        if names:  # `from pkg import mod` may name modules
            prefix = dotted.replace(".", "/") + "/" if dotted else ""
            stems += [prefix + n.strip() for n in names.split(",") if n.strip()]
        for stem in stems:
            joined = posixpath.join(base, stem) if base else stem
            yield joined + ".py", bool(dots)
            yield joined + "/__init__.py", bool(dots)


def neighbours(path: str, files: Sequence[str]) -> list[str]:
    folder = posixpath.dirname(path)
    near = [p for p in files if posixpath.dirname(p) == folder and p != path]
    return near[:NEIGHBOURS_MAX]


def _suffix(name: str) -> str:
    """Lower-cased suffix as PurePosixPath gives it ('.gz', '' for '.bashrc'), without
    building a path object: this runs once per workspace file."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _by_size(index: WorkspaceIndex, files: Iterable[str]) -> list[str]:
    root = str(index.root)
    sized = []
    for path in files:
        try:
            sized.append((os.stat(f"{root}/{path}").st_size, path))
        except OSError:
            continue
    return [path for _size, path in sorted(sized)]


def _shallow_first(path: str) -> tuple[int, str]:
    return (path.count("/"), path.lower())


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


# ---- reading --------------------------------------------------------------------------


class _Reader:
    """Reads index files (open-editor text first), skipping unusable ones, redacting."""

    def __init__(
        self,
        index: WorkspaceIndex,
        settings: ContextSettings,
        open_documents: Mapping[str, DocumentSnapshot],
        secret_values: Sequence[str],
    ) -> None:
        self.index = index
        self.settings = settings
        self.open_documents = open_documents
        self.secret_values = tuple(secret_values)
        self.redactions = 0

    def read(self, path: str) -> str | None:
        """Redacted text, or None when the file cannot or must not be sent."""
        if not self.index.contains(path):
            return None
        opened = self.open_documents.get(path)
        if opened is not None:
            if len(opened.text.encode("utf-8", "surrogatepass")) > self.settings.max_file_bytes:
                return None
            return self.redacted(path, opened.text)
        text = self._read_disk(path)
        return None if text is None else self.redacted(path, text)

    def redacted(self, path: str, text: str) -> str:
        if self.settings.redact_secrets:
            text, count = redact(text, self.secret_values, path=path)
        else:
            text, count = redact_values(text, self.secret_values)
        self.redactions += count
        return text

    def _read_disk(self, path: str) -> str | None:
        text = read_utf8(self.index.root / path, max_bytes=self.settings.max_file_bytes)
        if text is None or "\0" in text[:BINARY_SNIFF_BYTES]:
            return None
        return text
