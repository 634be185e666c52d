"""A pathless block never costs the user code they did not select, and no block is dropped.

The cases are the ones seen with a real small model (issue #11): a block that shares the
words around a TODO but not its lines, and a pathless block beside a new module.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import TARGET, check, run

STATS = """def mean(values):
    return sum(values) / len(values)


# TODO: add median(values) that returns the middle value
"""


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_block_sharing_words_but_not_lines_replaces_only_the_todo() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        "```python\ndef median(values):\n    ordered = sorted(values)\n"
        "    return ordered[len(values) // 2]\n```"
    )
    after = STATS.replace(
        "# TODO: add median(values) that returns the middle value\n",
        "def median(values):\n    ordered = sorted(values)\n    return ordered[len(values) // 2]\n",
    )
    check(STATS, answer, after, selection=selection)


def test_cursor_on_todo_with_word_sharing_block_keeps_the_function_above() -> None:
    cursor = STATS.index("TODO")
    answer = "```python\ndef median(values):\n    return sorted(values)[len(values) // 2]\n```"
    changes = run({TARGET: STATS}, answer, selection=(cursor, cursor), scope="workspace")
    assert changes.problems == ()
    assert changes.files[0].new_text.startswith(STATS.split("# TODO")[0])


def test_pathless_block_beside_a_new_module_replaces_the_selection() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        "app/ordering.py\n```python\ndef middle(items):\n"
        "    return sorted(items)[len(items) // 2]\n```\n"
        "This replaces the TODO:\n```python\nfrom app.ordering import middle\n\n\n"
        "def median(values):\n    return middle(values)\n```\n"
    )
    changes = run({TARGET: STATS}, answer, selection=selection)
    assert changes.problems == ()
    by_path = {f.path: f for f in changes.files}
    assert by_path["app/ordering.py"].kind == "create"
    assert "def median(values):\n    return middle(values)\n" in by_path[TARGET].new_text
    assert "# TODO" not in by_path[TARGET].new_text
    assert by_path[TARGET].new_text.startswith("def mean(values):")


def test_pathless_block_without_a_lead_beside_another_file_still_lands() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        "tests/test_stats.py\n```python\ndef test_one():\n    assert True\n```\n\n"
        "```python\ndef median(values):\n    return sorted(values)[len(values) // 2]\n```\n"
    )
    changes = run({TARGET: STATS}, answer, selection=selection)
    assert changes.problems == ()
    assert {f.path for f in changes.files} == {TARGET, "tests/test_stats.py"}


def test_pathless_block_beside_an_edit_of_the_same_file_is_reported_not_dropped() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        f"{TARGET}\n```python\n<<<<<<< SEARCH\ndef mean(values):\n=======\n"
        "def mean(values: list[float]):\n>>>>>>> REPLACE\n```\n\n"
        "```python\ndef median(values):\n    return sorted(values)[len(values) // 2]\n```\n"
    )
    changes = run({TARGET: STATS}, answer, selection=selection)
    errors = [p for p in changes.problems if p.severity == "error"]
    assert len(errors) == 1
    assert "without a file path was not applied" in errors[0].message
    assert errors[0].hints == ("def median(values):",)


def test_pathless_whole_file_that_drops_an_outside_line_is_refused() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        "```python\ndef mean(values):\n    pass\n\n\n"
        "def median(values):\n    return sorted(values)[len(values) // 2]\n```"
    )
    changes = run({TARGET: STATS}, answer, selection=selection)
    assert changes.files == ()
    assert "repeats definitions" in changes.problems[0].message
    assert changes.problems[0].hints == ("def mean(values):",)
    two_sided = "x = 1\n# TODO: z\nw1 = 4\nw2 = 4\nw3 = 4\nw4 = 4\nw5 = 4\n"
    answer = "```python\nx = 1\nz = 3\nw1 = 4\nw2 = 4\nw3 = 4\nw4 = 4\n```"
    changes = run({TARGET: two_sided}, answer, selection=_span(two_sided, "# TODO: z\n"))
    assert changes.files == ()
    assert "drops or changes lines outside the selection" in changes.problems[0].message
    assert changes.problems[0].hints == ("line 7: w5 = 4",)


def test_echoed_neighbour_lines_are_trimmed_not_duplicated() -> None:
    text = "x = 1\ny = 2\n# TODO: z\nw = 4\nv = 5\n"
    answer = "```python\nx = 1\ny = 2\nz = 3\nw = 4\n```"
    check(text, answer, text.replace("# TODO: z", "z = 3"), selection=_span(text, "# TODO: z\n"))


def test_echoed_enclosing_header_is_not_pasted_twice() -> None:
    text = "def a():\n    return 1\n\n\ndef b(x):\n    # TODO: double x\n"
    answer = "```python\ndef b(x):\n    return 2 * x\n```"
    check(
        text,
        answer,
        text.replace("# TODO: double x", "return 2 * x"),
        selection=_span(text, "    # TODO: double x\n"),
    )


def test_pathless_whole_file_that_keeps_every_line_and_adds_an_import_applies() -> None:
    selection = _span(STATS, "# TODO: add median(values) that returns the middle value\n")
    answer = (
        "```python\nimport statistics\n\n\ndef mean(values):\n"
        "    return sum(values) / len(values)\n\n\ndef median(values):\n"
        "    return statistics.median(values)\n```"
    )
    changes = run({TARGET: STATS}, answer, selection=selection)
    assert changes.problems == ()
    assert changes.files[0].new_text.startswith("import statistics\n")
    assert "    return sum(values) / len(values)\n" in changes.files[0].new_text


_LINE = st.text(alphabet="abcdefxyz_()=+: 0123456789", min_size=0, max_size=24)
_INDENT = st.sampled_from(["", "    ", "        "])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(_INDENT, _LINE), min_size=1, max_size=12),
    block=st.lists(st.tuples(_INDENT, _LINE), min_size=1, max_size=14),
    data=st.data(),
)
def test_a_pathless_block_never_changes_a_line_outside_the_selection(
    lines: list[tuple[str, str]], block: list[tuple[str, str]], data: st.DataObject
) -> None:
    text = "".join(indent + line + "\n" for indent, line in lines)
    first = data.draw(st.integers(0, len(lines) - 1))
    last = data.draw(st.integers(first, len(lines) - 1))
    starts = [sum(len(a) + len(b) + 1 for a, b in lines[:k]) for k in range(len(lines) + 1)]
    selection = (starts[first], starts[last + 1])
    if data.draw(st.booleans()):  # a cursor instead of a selection
        selection = (starts[first], starts[first])
        last = first
    # Some blocks repeat parts of the file, so the whole-file reading gets exercised too.
    if data.draw(st.booleans()):
        block = [*lines[: data.draw(st.integers(0, len(lines)))], *block]
    answer = "```python\n" + "".join(indent + line + "\n" for indent, line in block) + "```\n"
    changes = run({TARGET: text}, answer, selection=selection)
    new_text = next((f.new_text for f in changes.files if f.path == TARGET), text)
    old_lines = text.split("\n")
    outside = [line for k, line in enumerate(old_lines) if (k < first or k > last) and line.strip()]
    new_lines = iter(new_text.split("\n"))
    # Every non-blank line outside the selection survives, unchanged and in order.
    assert all(any(line == candidate for candidate in new_lines) for line in outside)
    assert {f.path for f in changes.files} <= {TARGET}


def test_an_echoed_file_without_the_todo_is_not_an_implementation() -> None:
    text = "import json\n\n\ndef hello():\n    return 1\n\n\n# TODO: add health()\n\nX = 1\n"
    echoed = "import json\n\n\ndef hello():\n    return 1\n\n\n\nX = 1\n"
    changes = run(
        {TARGET: text}, f"```python\n{echoed}```", selection=_span(text, "# TODO: add health()\n")
    )
    assert "added no code in its place" in changes.problems[0].message
    assert changes.problems[0].hints == ("# TODO: add health()",)
    # Deleting selected code that is not a stub is a plain, allowed change.
    plain = "a = 1\nb = 2\nc = 3\n"
    check(plain, "```python\n```", "a = 1\nc = 3\n", selection=_span(plain, "b = 2\n"))


HANDLER = (
    '"use strict";\n\n/** Handle POST /items. */\nfunction createItem(body) {\n'
    '  throw new Error("not implemented");\n}\n\nmodule.exports = { createItem };\n'
)


def test_echoed_markers_say_exactly_what_replaces_the_selection() -> None:
    selection = _span(
        HANDLER, 'function createItem(body) {\n  throw new Error("not implemented");\n}'
    )
    new = "function createItem(body) {\n  return { status: 201 };\n}"
    # The whole file echoed with the markers, and without its first line.
    echoed = HANDLER.replace('"use strict";\n\n', "").replace(
        HANDLER[selection[0] : selection[1]],
        f"<<<agentls:selection>>>{new}<<<agentls:end-selection>>>",
    )
    after = HANDLER[: selection[0]] + new + HANDLER[selection[1] :]
    check(
        {"h.js": HANDLER},
        f"```js\n{echoed}```",
        {"h.js": after},
        target="h.js",
        selection=selection,
    )


def test_mangled_start_marker_is_dropped_not_pasted() -> None:
    text = "def slug(t):\n    raise NotImplementedError\n"
    answer = "```python\n>>>agentls:selection>>>def slug(t):\n    return t.lower()\n```"
    check(text, answer, "def slug(t):\n    return t.lower()\n", selection=(0, len(text) - 1))
    answer = "```python\n<<agentls:cursor>>\nx = 1\n```\nDone <<agentls:end-selection>>."
    changes = check("# TODO: x\n", answer, "x = 1\n", selection=(0, 0))
    assert changes.explanation == "Done ."
