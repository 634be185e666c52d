"""The matching ladder: each rung, ambiguity refused, proximity settles, hints."""

from __future__ import annotations

import pytest

from agentls.edits.match import Located, locate, locate_hunk
from agentls.edits.model import Problem

FILE = """\
class Store:
    def get(self, key):
        value = self.items[key]
        return value

    def put(self, key, value):{TRAILING}
        self.items[key] = value
""".format(TRAILING="   ")


def apply(text: str, found: Located | Problem) -> str:
    assert isinstance(found, Located), found
    return text[: found.start] + found.replacement + text[found.end :]


def test_exact() -> None:
    found = locate(FILE, "        return value\n", "        return value or None\n")
    assert isinstance(found, Located) and found.rung == "exact"
    assert "return value or None\n\n" in apply(FILE, found)


def test_trailing_whitespace_ignored() -> None:
    found = locate(
        FILE, "    def put(self, key, value):\n", "    def put(self, key, value=None):\n"
    )
    assert isinstance(found, Located) and found.rung == "trailing-whitespace"
    assert "    def put(self, key, value=None):\n        self" in apply(FILE, found)


def test_indentation_shift_reindents_replacement() -> None:
    search = "value = self.items[key]\nreturn value\n"
    replace = (
        "value = self.items.get(key)\nif value is None:\n    raise KeyError(key)\nreturn value\n"
    )
    found = locate(FILE, search, replace)
    assert isinstance(found, Located) and found.rung == "indentation"
    assert apply(FILE, found) == FILE.replace(
        "        value = self.items[key]\n",
        "        value = self.items.get(key)\n"
        "        if value is None:\n            raise KeyError(key)\n",
    )


def test_indentation_shift_when_model_indents_too_much() -> None:
    text = "def f():\n    return 1\n"
    found = locate(text, "        return 1\n", "        return 2\n")
    assert apply(text, found) == "def f():\n    return 2\n"


def test_elided_lines() -> None:
    search = "class Store:\n...\n        self.items[key] = value\n"
    replace = (
        "class Store:\n    '''Items.'''\n...\n"
        "        self.items[key] = value\n        return self\n"
    )
    found = locate(FILE, search, replace)
    assert isinstance(found, Located) and found.rung == "elision"
    assert apply(FILE, found) == FILE.replace(
        "class Store:\n", "class Store:\n    '''Items.'''\n"
    ).replace(
        "        self.items[key] = value\n",
        "        self.items[key] = value\n        return self\n",
    )


def test_elision_must_agree_between_search_and_replace() -> None:
    found = locate(
        FILE, "class Store:\n...\n        return value\n", "class Store:\n        return 1\n"
    )
    assert isinstance(found, Problem)
    assert "elide" in found.message


def test_literal_ellipsis_line_matches_exactly_first() -> None:
    text = "class P(Protocol):\n    def f(self): ...\n    ...\n"
    found = locate(text, "    ...\n", "    x: int\n")
    assert isinstance(found, Located) and found.rung == "exact"


TWICE = "a = 1\nprint(a)\n\nb = 2\nprint(a)\n"


def test_ambiguity_is_refused() -> None:
    found = locate(TWICE, "print(a)\n", "print(b)\n")
    assert isinstance(found, Problem)
    assert "matches 2 places (lines 2, 5)" in found.message


@pytest.mark.parametrize(("near", "line"), [(0, 2), (TWICE.index("b = 2") + 4, 5), (len(TWICE), 5)])
def test_proximity_settles(near: int, line: int) -> None:
    found = locate(TWICE, "print(a)\n", "print(b)\n", near=near)
    assert isinstance(found, Located)
    assert TWICE.count("\n", 0, found.start) + 1 == line


def test_equal_distance_is_still_refused() -> None:
    text = "x\nmid\nx\n"
    assert isinstance(locate(text, "x\n", "y\n", near=text.index("mid") + 2), Problem)


def test_ambiguity_on_a_tolerant_rung_is_refused() -> None:
    text = "if a:\n    go()\nif b:\n        go()\n"
    assert isinstance(locate(text, "go()\n", "stop()\n"), Problem)


def test_not_found_gives_did_you_mean_lines() -> None:
    found = locate(FILE, "    def get(self, name):\n        value = self.items[name]\n", "x\n")
    assert isinstance(found, Problem)
    assert found.message == "the SEARCH text was not found"
    assert found.hints[0] == "did you mean lines 2-3:"
    assert found.hints[1] == "2 |     def get(self, key):"


def test_unrelated_search_gives_no_hint() -> None:
    found = locate(FILE, "zzz qqq\n", "x\n")
    assert isinstance(found, Problem) and found.hints == ()


def test_last_line_without_newline_keeps_it_so() -> None:
    found = locate("a\nb", "b\n", "c\n")
    assert apply("a\nb", found) == "a\nc"


def test_hint_finds_the_similar_region_in_a_large_file() -> None:
    text = "".join(f"    value_{i} = compute({i})\n" if i % 5 else "\n" for i in range(3000))
    search = "".join(f"    value_{i} = compute({i + 1})\n" for i in range(1201, 1205))
    found = locate(text, search, "x\n")
    assert isinstance(found, Problem)
    assert found.hints[0] == "did you mean lines 1202-1205:"
    assert found.hints[1] == "1202 |     value_1201 = compute(1201)"


GO = "func main() {\n\tif ok {\n\t\tstart()\n\t}\n}\n"


def test_tabs_in_file_spaces_in_search() -> None:
    search = "    if ok {\n        start()\n    }\n"
    replace = "    if ok {\n        start()\n        wait()\n    } else {\n        stop()\n    }\n"
    found = locate(GO, search, replace)
    assert isinstance(found, Located) and found.rung == "loose-indentation"
    assert apply(GO, found) == (
        "func main() {\n\tif ok {\n\t\tstart()\n\t\twait()\n\t} else {\n\t\tstop()\n\t}\n}\n"
    )


def test_deeper_replacement_lines_use_the_file_style() -> None:
    search = "    if ok {\n    }\n"
    replace = "    if ok {\n        start()\n            more()\n    }\n"
    found = locate(GO.replace("\t\tstart()\n", ""), search, replace)
    assert apply(GO.replace("\t\tstart()\n", ""), found) == (
        "func main() {\n\tif ok {\n\t\tstart()\n\t\t\tmore()\n\t}\n}\n"
    )


def test_hunk_with_a_wrong_context_line_is_retried_with_less_context() -> None:
    before = "    def get(self, key):\n        value = self.items[key]\n        return value\n\n"
    after = "    def get(self, key):\n        value = self.items.get(key)\n        return value\n\n"
    wrong = "    def get(self, name):\n" + before.split("\n", 1)[1]
    found = locate_hunk(FILE, wrong, "    def get(self, name):\n" + after.split("\n", 1)[1])
    assert apply(FILE, found) == FILE.replace("self.items[key]", "self.items.get(key)", 1)


def test_hunk_retry_stops_when_the_core_is_ambiguous() -> None:
    text = "a\nx = 1\nb\nc\nx = 1\nd\n"
    found = locate_hunk(text, "zzz\nx = 1\nyyy\n", "zzz\nx = 2\nyyy\n")
    assert isinstance(found, Problem) and found.message == "the hunk was not found"


def test_pure_insertion_hunk_keeps_its_anchor() -> None:
    found = locate_hunk("a\nb\n", "wrong\n", "wrong\nnew\n")
    assert isinstance(found, Problem)
