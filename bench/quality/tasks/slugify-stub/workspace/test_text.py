from text import slugify


def test_title_with_punctuation_becomes_hyphenated_slug() -> None:
    assert slugify("Hello, World!") == "hello-world"


def test_each_run_of_other_characters_becomes_one_hyphen() -> None:
    assert slugify("Python 3 -- Tips & Tricks") == "python-3-tips-tricks"


def test_no_hyphen_at_either_end() -> None:
    assert slugify("  ...Release notes (v2)!  ") == "release-notes-v2"
