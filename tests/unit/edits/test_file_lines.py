"""The builder's cached line structure and the exact rung's text search agree with
splitting the file afresh, so caching changes speed and nothing else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agentls.edits import build_changeset, parse_answer
from agentls.edits.match import FileLines, _exact, _plain, _span

LINES = st.lists(st.sampled_from(["", " ", "a", "  a", "b", "a ", "\tb"]), max_size=8)
TEXTS = st.builds(
    lambda lines, final: "\n".join(lines) + ("\n" if final and lines else ""), LINES, st.booleans()
)


def _fresh(text: str) -> tuple[list[str], list[str], list[int]]:
    lines = FileLines(text)
    return lines.lines, lines.stripped, lines.starts


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data(), st.text(alphabet="ab \n", max_size=6), st.booleans())
def test_replaced_matches_a_fresh_split(
    text: str, data: st.DataObject, new: str, warm: bool
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    lines = FileLines(text)
    if warm:
        lines.stripped  # noqa: B018 - build the lines and their stripped forms first
        lines.starts  # noqa: B018
    out = lines.replaced(start, end, new)
    assert out.text == text[:start] + new + text[end:]
    assert (out.lines, out.stripped, out.starts) == _fresh(out.text)


@settings(max_examples=300, deadline=None)
@given(TEXTS, LINES)
def test_exact_search_finds_what_a_line_by_line_comparison_finds(
    text: str, slines: list[str]
) -> None:
    if not slines:
        return
    file = FileLines(text)
    by_text = [_span(file, c) for c in _exact(file, slines, [])]
    by_line = [_span(file, c) for c in _plain(FileLines(text), slines, [], lambda a, b: a == b)]
    assert by_text == by_line


def test_many_blocks_on_one_file_compose_in_order() -> None:
    text = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(300))
    blocks = "".join(
        f"<<<<<<< SEARCH\ndef f{i}():\n    return {i}\n=======\n"
        f"def f{i}():\n    x = {i}\n    return x\n>>>>>>> REPLACE\n"
        for i in range(0, 300, 3)
    )
    # One tolerant block in the middle makes the builder split the file and then splice it.
    blocks += (
        "<<<<<<< SEARCH\ndef f1():  \n  return 1\n=======\n"
        "def f1():\n  return -1\n>>>>>>> REPLACE\n"
    )
    blocks += (
        "<<<<<<< SEARCH\ndef f299():\n    return 299\n=======\n"
        "def g():\n    pass\n>>>>>>> REPLACE\n"
    )
    answer = f"m.py\n```python\n{blocks}```\n"
    changes = build_changeset(
        parse_answer(answer),
        files={"m.py": text},
        scope="workspace",
        target_path=None,
        selection=None,
    )
    assert not changes.problems
    expected = text
    for i in range(0, 300, 3):
        expected = expected.replace(
            f"def f{i}():\n    return {i}\n", f"def f{i}():\n    x = {i}\n    return x\n"
        )
    expected = expected.replace("def f1():\n    return 1\n", "def f1():\n    return -1\n")
    expected = expected.replace("def f299():\n    return 299\n", "def g():\n    pass\n")
    assert changes.files[0].new_text == expected
