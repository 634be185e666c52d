"""Turn parsed blocks into a ChangeSet against the current texts of the files.

Matching works on LF text; each file keeps its own line endings, and new
files use LF. Blocks for one file compose in order. A block that cannot be
applied adds a Problem and changes nothing; the other blocks still apply.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from agentls.edits.blocks import Block, DiffHunks, ParsedAnswer, SearchReplace, WholeFile
from agentls.edits.diff import apply_edits, minimal_edits
from agentls.edits.line_ends import edits_keeping_line_ends
from agentls.edits.match import FileLines, Located, locate, locate_hunk
from agentls.edits.model import ChangeSet, FileChange, Problem
from agentls.edits.selection import fit_to_selection, instruction_span
from agentls.edits.text import detect_eol, lf_offset, to_lf
from agentls.paths import PathRefusal, normalize_relative

# "# ... existing code ...", "// rest of the file unchanged": an abridged whole file.
_ABRIDGED = re.compile(
    r"^\s*(?:#|//|/\*|<!--|--|;)\s*(?:\.\.\.|…)?\s*"
    r"(?:existing|rest of|remaining|unchanged|previous|other) ?(?:code|file|content|lines)?",
    re.IGNORECASE,
)

_SHELL_LANGUAGES = frozenset(
    {"bash", "sh", "shell", "console", "zsh", "fish", "powershell", "ps1", "cmd", "bat"}
    | {"shell-session", "terminal", "output"}
)
_SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".fish", ".ps1", ".cmd", ".bat")
# A whole-file block this much shorter than a file this long is taken as a fragment.
_FRAGMENT_MIN_LINES = 30
# A pathless block repeating this share of the code lines on each side of the selection
# is the whole file; a block labelled with the target file repeating less than
# _SNIPPET_SHARE of them is only the selection's new text.
_WHOLE_SHARE = 0.8
_SNIPPET_SHARE = 0.5
_CODE_CHAR = re.compile(r"\w")
# A selection holding one of these asks for code to be written.
_STUB = re.compile(
    r"\b(?:TODO|FIXME|NotImplementedError|not implemented|implement)\b|^\s*pass\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_WORD = re.compile(r"\w+")
_WORD_SHARE = 0.6
_MIN_WORDS = 3
# Words in the prose before a pathless block that say where it goes.
_SELECTION_WORDS = re.compile(
    r"\b(selection|selected|todo|stub|cursor|replac\w*|in place of|instead of)\b", re.IGNORECASE
)


@dataclass(slots=True)
class _File:
    original: str | None  # None: the file does not exist
    eol: str
    text: str  # LF working copy
    near: int | None = None  # the selection (LF offset), shifted as edits land
    created: bool = False
    # The line structure of `text`, carried over each `replace`; any other assignment
    # to `text` makes a new string, which `lines()` notices by identity.
    cached: FileLines | None = None

    @property
    def exists(self) -> bool:
        return self.original is not None or self.created

    def lines(self) -> FileLines:
        if self.cached is None or self.cached.text is not self.text:
            self.cached = FileLines(self.text)
        return self.cached

    def replace(self, start: int, end: int, new: str) -> None:
        self.cached = self.lines().replaced(start, end, new)
        self.text = self.cached.text
        if self.near is not None and start <= self.near:
            self.near = start if self.near < end else self.near + len(new) - (end - start)


@dataclass(slots=True)
class _Builder:
    scope: Literal["selection", "workspace"]
    files: Mapping[str, str]
    target_path: str | None
    selection: tuple[int, int] | None
    states: dict[str, _File]
    problems: list[Problem]

    def state(self, path: str) -> _File:
        if path not in self.states:
            original = self.files.get(path)
            if original is None:
                self.states[path] = _File(None, "\n", "")
            else:
                near = None
                if path == self.target_path and self.selection is not None:
                    near = lf_offset(original, self.selection[0])
                self.states[path] = _File(original, detect_eol(original), to_lf(original), near)
        return self.states[path]

    def resolve(self, path: str | None) -> str | None:
        if path is None:
            if self.target_path is None:
                self.problems.append(Problem("an edit names no file and no file is open"))
            return self.target_path
        clean = normalize_relative(path)
        if isinstance(clean, PathRefusal):
            self.problems.append(Problem(f"refused to touch this path: {clean.reason}", path=path))
            return None
        return clean

    def whole_file(self, block: WholeFile, path: str) -> None:
        st = self.state(path)
        content = block.content
        if not st.exists:
            st.text, st.created = content, True
            return
        abridged = _abridged_line(content, st.text)
        if abridged is not None:
            self.problems.append(
                Problem(
                    "the code block for this file looks abridged, so it was not applied; "
                    "send the complete file or SEARCH/REPLACE edits",
                    path=path,
                    hints=(abridged,),
                )
            )
            return
        if self.selection_text_only(path, st, content) or _looks_like_fragment(content, st.text):
            self.fragment(block, path, st)
            return
        if st.text and not st.text.endswith("\n") and content.endswith("\n"):
            content = content[:-1]
        elif st.text.endswith("\n") and content and not content.endswith("\n"):
            content += "\n"
        st.text = content

    def selection_text_only(self, path: str, st: _File, content: str) -> bool:
        """In selection scope, a block for the target file that leaves out the lines
        around the selection (or cursor line) is the selection's new text."""
        if self.scope != "selection" or path != self.target_path or self.selection is None:
            return False
        if st.text != to_lf(self.files[path]):
            return False
        start, end = (lf_offset(self.files[path], offset) for offset in self.selection)
        start, end = instruction_span(st.text, min(start, end), max(start, end))
        share = _surroundings_share(content, st.text, start, end)
        if share is None or share >= _SNIPPET_SHARE:
            return False
        # The label claims the file: a block sharing most words around the selection is
        # still the whole file (a rewrite of the lines around it, named in the explanation).
        return _shares_words(content, st.text, start, end) is False

    def fragment(self, block: WholeFile, path: str, st: _File) -> None:
        """A short block labelled with a long file: the selection's new text, or refused."""
        untouched = path in self.files and st.text == to_lf(self.files[path])
        if path == self.target_path and self.selection is not None and untouched:
            self.selection_block(block, may_be_whole=False)
            self.problems.append(
                Problem(
                    "the code block for this file leaves out most of the file, "
                    "so it replaced the selection instead of the whole file",
                    path=path,
                    severity="warning",
                )
            )
            return
        self.problems.append(
            Problem(
                "the code block for this file is much shorter than the file and looks like "
                "a fragment, so it was not applied; send the complete file or "
                "SEARCH/REPLACE edits",
                path=path,
            )
        )

    def search_replace(self, block: SearchReplace, path: str) -> None:
        st = self.state(path)
        if not block.search.strip():
            if not st.exists:
                st.text, st.created = block.replace, True
            elif not st.text.strip():
                st.text = block.replace
            else:
                self.problems.append(
                    Problem(
                        "the SEARCH text is empty but the file is not; quote the lines to replace",
                        path=path,
                    )
                )
            return
        if not st.exists:
            self.problems.append(_missing(path))
            return
        found = locate(
            st.text, block.search, block.replace, near=st.near, path=path, lines=st.lines()
        )
        self.apply_found(st, found)

    def diff(self, block: DiffHunks, path: str) -> None:
        st = self.state(path)
        if block.creates or not st.exists:
            if st.exists and st.text.strip():
                self.problems.append(
                    Problem("the diff creates this file, but it already exists", path=path)
                )
            elif block.creates or all(not h.before.strip() for h in block.hunks):
                st.text = "".join(h.after for h in block.hunks)
                st.created = st.created or not st.exists
            else:
                self.problems.append(_missing(path))
            return
        for hunk in block.hunks:
            if not hunk.before.strip():
                if st.text.strip():
                    self.problems.append(
                        Problem("a diff hunk has no context or removed lines to locate", path=path)
                    )
                else:
                    st.text = hunk.after
                continue
            near = st.near
            if hunk.old_start is not None:
                near = st.lines().offset_of_line(hunk.old_start - 1)
            found = locate_hunk(
                st.text, hunk.before, hunk.after, near=near, path=path, lines=st.lines()
            )
            self.apply_found(st, found)

    def apply_found(self, st: _File, found: Located | Problem) -> None:
        if isinstance(found, Problem):
            self.problems.append(found)
        else:
            st.replace(found.start, found.end, found.replacement)

    def selection_block(self, block: WholeFile, *, may_be_whole: bool = True) -> None:
        path = self.target_path
        if path is None or path not in self.files or self.selection is None:
            self.problems.append(
                Problem("the answer's code block names no file, and there is no selection")
            )
            return
        st = self.state(path)
        original = self.files[path]
        start, end = (lf_offset(original, offset) for offset in self.selection)
        start, end = instruction_span(st.text, min(start, end), max(start, end))
        share = _surroundings_share(block.content, st.text, start, end)
        if may_be_whole and share is not None and share >= _WHOLE_SHARE:
            dropped = lines_dropped_outside(st.text, block.content, start, end)
            if dropped:
                self.problems.append(
                    Problem(
                        "the code block without a file path repeats the file but drops or "
                        "changes lines outside the selection, so it was not applied; send only "
                        "the code that replaces the selection, or name the file and send its "
                        "complete content",
                        path=path,
                        hints=tuple(dropped[:3]),
                    )
                )
                return
            self.whole_file(WholeFile(path, block.content, block.language), path)
            return
        content = trim_overlap(st.text, start, end, block.content)
        repeated = repeated_definitions(st.text, start, end, content)
        if repeated:
            self.problems.append(
                Problem(
                    "the code block without a file path repeats definitions that already "
                    "exist outside the selection, so pasting it there would duplicate them; "
                    "send only the code that replaces the selection, or name the file and "
                    "send its complete content",
                    path=path,
                    hints=tuple(repeated[:3]),
                )
            )
            return
        st.replace(start, end, fit_to_selection(st.text, start, end, content))

    def pathless_block(self, block: WholeFile, others: Sequence[Block]) -> None:
        """The answer's one pathless block: the selection's new text, unless other blocks
        also change the selection's file and the answer does not say where it goes."""
        claimed = {normalize_relative(b.path) for b in others if b.path is not None}
        if self.target_path in claimed and not _SELECTION_WORDS.search(block.lead):
            self.problems.append(
                Problem(
                    "a code block without a file path was not applied: other blocks also "
                    "change this file, so where it belongs is unclear; name its file, or say "
                    "that it replaces the selection",
                    path=self.target_path,
                    hints=(_first_code_line(block.content),),
                )
            )
            return
        self.selection_block(block, may_be_whole=not block.marked)

    def check_stub_not_just_deleted(self) -> None:
        """A TODO or stub whose lines the answer removed without adding any code was not
        implemented: the model echoed the file without it."""
        path = self.target_path
        if path is None or self.selection is None or path not in self.files:
            return
        st = self.states.get(path)
        if st is None or st.original is None:
            return
        original = to_lf(st.original)
        start, end = (lf_offset(st.original, offset) for offset in self.selection)
        start, end = instruction_span(original, min(start, end), max(start, end))
        if not _STUB.search(original[start:end]) or st.text == original:
            return
        matcher = difflib.SequenceMatcher(
            None, original.split("\n"), st.text.split("\n"), autojunk=False
        )
        new_lines = st.text.split("\n")
        added = [
            line
            for tag, _, _, j1, j2 in matcher.get_opcodes()
            if tag in ("insert", "replace")
            for line in new_lines[j1:j2]
            if line.strip()
        ]
        if not added:
            self.problems.append(
                Problem(
                    "the answer removed the TODO or stub and added no code in its place; "
                    "send the code that implements it",
                    path=path,
                    hints=(_first_code_line(original[start:end]),),
                )
            )

    def note_outside_changes(self) -> str:
        """In selection scope, name the lines outside the selection that the answer
        changed or removed through an explicit claim (a labelled block or SEARCH text)."""
        path = self.target_path
        if self.scope != "selection" or path is None or self.selection is None:
            return ""
        st = self.states.get(path)
        if st is None or st.original is None:
            return ""
        original = to_lf(st.original)
        start, end = (lf_offset(st.original, offset) for offset in self.selection)
        start, end = instruction_span(original, min(start, end), max(start, end))
        dropped = lines_dropped_outside(original, st.text, start, end)
        if not dropped:
            return ""
        self.problems.append(
            Problem(
                f"the answer also changed {len(dropped)} line(s) outside the selection",
                path=path,
                hints=tuple(dropped[:5]),
                severity="warning",
            )
        )
        shown = "; ".join(dropped[:5]) + (" …" if len(dropped) > 5 else "")
        return (
            "Note (agentls): this change also rewrote or removed lines outside the selection "
            f"in `{path}`: {shown}"
        )


def build_changeset(
    parsed: ParsedAnswer,
    *,
    files: Mapping[str, str],
    scope: Literal["selection", "workspace"],
    target_path: str | None,
    selection: tuple[int, int] | None,
) -> ChangeSet:
    """Apply the answer's blocks to ``files`` (current texts; a missing key: no such file).

    A code block with no path replaces the selection (or the cursor line) of
    ``target_path``, in either scope, when it is the answer's only code block
    (shell blocks aside), unless it repeats the file around the selection: then
    it is the whole file. In selection scope, a block labelled with the target
    file that leaves out the code around the selection replaces the selection.
    """
    builder = _Builder(scope, files, target_path, selection, {}, list(parsed.problems))
    pathless = [
        b
        for b in parsed.blocks
        if isinstance(b, WholeFile) and b.path is None and not _illustration(b, target_path)
    ]
    others = [b for b in parsed.blocks if not (isinstance(b, WholeFile) and b.path is None)]
    if len(pathless) == 1:
        builder.pathless_block(pathless[0], others)
    elif len(pathless) > 1:
        builder.problems.append(
            Problem(
                f"the answer has {len(pathless)} code blocks without a file path; "
                "name the file on the line before each block"
            )
        )
    for block in others:
        path = builder.resolve(block.path)
        if path is None:
            continue
        if isinstance(block, WholeFile):
            builder.whole_file(block, path)
        elif isinstance(block, SearchReplace):
            builder.search_replace(block, path)
        else:
            builder.diff(block, path)
    builder.check_stub_not_just_deleted()
    note = builder.note_outside_changes()
    # Shell or output blocks are examples for the user, never run: they stay in the
    # explanation, so the user sees every block the model sent.
    shown = [
        f"```{b.language}\n{b.content}```"
        for b in parsed.blocks
        if isinstance(b, WholeFile) and b.path is None and _illustration(b, target_path)
    ]
    explanation = "\n\n".join(part for part in (parsed.explanation, *shown, note) if part)
    return ChangeSet(
        files=tuple(_changes(builder.states)),
        explanation=explanation,
        problems=tuple(builder.problems),
    )


def _illustration(block: WholeFile, target_path: str | None) -> bool:
    """A pathless shell or output block ("run: pip install x") is not code for the file."""
    if block.language not in _SHELL_LANGUAGES:
        return False
    return not (target_path or "").endswith(_SHELL_SUFFIXES)


def _changes(states: Mapping[str, _File]) -> list[FileChange]:
    out = []
    for path, st in states.items():
        if st.original is None:
            if st.created:
                out.append(FileChange(path, "create", "", st.text, minimal_edits("", st.text)))
            continue
        edits = edits_keeping_line_ends(st.original, st.text, st.eol)
        if edits:
            new_text = apply_edits(st.original, edits)
            out.append(FileChange(path, "modify", st.original, new_text, edits))
    return out


def _missing(path: str) -> Problem:
    return Problem(
        "this file does not exist, so its edit cannot match; to create it, send its whole content",
        path=path,
    )


def _code_lines(text: str) -> set[str]:
    """Distinct stripped lines that carry code: 3+ characters, some of them word characters."""
    return {s for line in text.split("\n") if len(s := line.strip()) >= 3 and _CODE_CHAR.search(s)}


def _surroundings_share(content: str, text: str, start: int, end: int) -> float | None:
    """How much of the code around the selection ``content`` repeats, line for line.

    The smaller share of the two sides that have code lines; None when neither has any.
    Sharing words is not enough: a line counts only when repeated whole (stripped).
    """
    block = {line.strip() for line in content.split("\n")}
    shares = [
        len(lines & block) / len(lines)
        for lines in (_code_lines(text[:start]), _code_lines(text[end:]))
        if lines
    ]
    return min(shares) if shares else None


def lines_dropped_outside(old: str, new: str, start: int, end: int) -> list[str]:
    """Non-blank lines of ``old`` outside the lines of ``old[start:end]`` that ``new``
    removes or rewrites, as "line N: text" (1-based)."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    first = old.count("\n", 0, start)
    last = old.count("\n", 0, max(start, end - 1))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    dropped: list[str] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            dropped.extend(
                f"line {i + 1}: {old_lines[i].strip()}"
                for i in range(i1, i2)
                if (i < first or i > last) and old_lines[i].strip()
            )
    return dropped


def _shares_words(content: str, text: str, start: int, end: int) -> bool | None:
    """Does ``content`` have most of the distinct words around the selection?"""
    around = set(_WORD.findall(text[:start] + text[end:]))
    if len(around) < _MIN_WORDS:
        return None
    return len(around & set(_WORD.findall(content))) >= _WORD_SHARE * len(around)


_DEFINITION = re.compile(
    r"^(?:export\s+)?(?:async\s+)?(?:def|class|function|const|let|var|interface|type|struct|"
    r"func|fn|public|private|protected)\b"
)


def trim_overlap(text: str, start: int, end: int, content: str) -> str:
    """``content`` without leading lines that repeat the lines just before the selection
    (an echoed function header) and trailing lines that repeat those just after it."""
    before = [line.strip() for line in text[:start].split("\n")[:-1] if line.strip()]
    after = [line.strip() for line in text[end:].split("\n") if line.strip()]
    lines = content.split("\n")
    code = [k for k, line in enumerate(lines) if line.strip()]
    stripped = [lines[k].strip() for k in code]
    head = max(
        (n for n in range(1, min(len(before), len(stripped)) + 1) if before[-n:] == stripped[:n]),
        default=0,
    )
    tail = max(
        (
            n
            for n in range(1, min(len(after), len(stripped) - head) + 1)
            if after[:n] == stripped[len(stripped) - n :]
        ),
        default=0,
    )
    if not head and not tail:
        return content
    keep_from = code[head] if head < len(code) else len(lines)
    keep_to = code[len(code) - tail] if tail else len(lines)
    kept = lines[keep_from:keep_to]
    return "\n".join(kept) + ("\n" if content.endswith("\n") and kept[-1:] != [""] else "")


def repeated_definitions(text: str, start: int, end: int, content: str) -> list[str]:
    """Definition lines (def, class, function, const ...) of ``content`` that the file
    already has outside the selection."""
    outside = {line.strip() for line in (text[:start] + text[end:]).split("\n")}
    return [
        line.strip()
        for line in content.split("\n")
        if _DEFINITION.match(line.strip()) and line.strip() in outside
    ]


def _first_code_line(content: str) -> str:
    return next((line.strip() for line in content.split("\n") if line.strip()), "")


def _looks_like_fragment(content: str, old: str) -> bool:
    """True when a long file would shrink to under a third of its lines."""
    old_lines = sum(1 for line in old.split("\n") if line.strip())
    new_lines = sum(1 for line in content.split("\n") if line.strip())
    return old_lines >= _FRAGMENT_MIN_LINES and new_lines * 3 < old_lines


def _abridged_line(content: str, old: str) -> str | None:
    """A "... existing code ..." comment that the file did not have before, if any."""
    old_lines = set(old.split("\n"))
    for line in content.split("\n"):
        marked = "..." in line or "…" in line or "rest of" in line.lower()
        if marked and _ABRIDGED.match(line) and line not in old_lines:
            return line.strip()
    return None
