"""SSE parsing: fed in arbitrary pieces, the same events come out."""

from __future__ import annotations

import pytest

from agentls.llm.errors import AnswerTooLarge, StreamInterrupted
from agentls.llm.sse import ServerSentEvent, SSEParser


def events_of(chunks: list[str]) -> list[tuple[str, str]]:
    parser = SSEParser()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += parser.feed(chunk)
    events += parser.close()
    return [(e.event, e.data) for e in events]


def check(stream: str, expected: list[tuple[str, str]]) -> None:
    """Whole, split at every position, and one character at a time: same events."""
    assert events_of([stream]) == expected
    for cut in range(len(stream) + 1):
        assert events_of([stream[:cut], stream[cut:]]) == expected, f"split at {cut}"
    assert events_of(list(stream)) == expected


def test_data_lines() -> None:
    check("data: a\n\ndata: b\n\n", [("message", "a"), ("message", "b")])


def test_named_event() -> None:
    check("event: ping\ndata: {}\n\n", [("ping", "{}")])


def test_multi_line_data_is_joined_with_newlines() -> None:
    check("data: one\ndata: two\n\n", [("message", "one\ntwo")])


def test_crlf_line_ends() -> None:
    check("event: x\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n", [("x", "1"), ("message", "2")])


def test_bare_cr_line_ends() -> None:
    check("data: 1\r\rdata: 2\r\r", [("message", "1"), ("message", "2")])


def test_comments_and_ids_are_ignored() -> None:
    check(": keep-alive\nid: 7\nretry: 10\ndata: x\n\n", [("message", "x")])


def test_only_one_space_after_the_colon_is_dropped() -> None:
    check("data:  indented\ndata:tight\n\n", [("message", " indented\ntight")])


def test_done_marker() -> None:
    parser = SSEParser()
    (event,) = parser.feed("data: [DONE]\n\n")
    assert event.is_done


def test_event_without_its_blank_line_is_delivered_at_close() -> None:
    check("data: last", [("message", "last")])


def test_blank_lines_without_data_dispatch_nothing() -> None:
    check("\n\nevent: lonely\n\n", [])


def test_line_that_is_not_sse_is_quoted_in_the_error() -> None:
    parser = SSEParser()
    with pytest.raises(StreamInterrupted, match="not a server-sent event: 'garbage here'"):
        parser.feed("data: ok\n\ngarbage here\n")


def test_endless_line_is_refused_once_over_the_bound() -> None:
    parser = SSEParser(max_pending=100)
    parser.feed("data: " + "x" * 90)
    with pytest.raises(AnswerTooLarge):
        parser.feed("x" * 20)
