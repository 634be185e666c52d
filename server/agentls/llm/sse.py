"""Incremental server-sent events parsing: text in, whole events out.

Follows the WHATWG event-stream rules (LF, CR or CRLF line ends, `:` comments, multi-line
`data`, one optional space after the colon) but is stricter about unknown lines: a line
that is neither a comment nor a known field means the stream is not SSE at all, and
is reported as `StreamInterrupted` quoting the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentls.llm.errors import AnswerTooLarge, StreamInterrupted

_FIELDS = frozenset({"event", "data", "id", "retry"})
DONE = "[DONE]"


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    event: str  # "message" unless the stream named it
    data: str

    @property
    def is_done(self) -> bool:
        """The OpenAI end-of-stream marker ``data: [DONE]``."""
        return self.data.strip() == DONE


class SSEParser:
    """Feed decoded text as it arrives; get back the events it completes."""

    def __init__(self, max_pending: int = 4_000_000) -> None:
        self._max_pending = max_pending  # bound on one unfinished event, in characters
        self._partial = ""  # text of the unfinished last line
        self._skip_lf = False  # the previous chunk ended with CR: a leading LF belongs to it
        self._event = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[ServerSentEvent]:
        if not text:
            return []
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = text.endswith("\r")
        lines = (self._partial + text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._partial = lines.pop()
        events = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        self._check_size()
        return events

    def close(self) -> list[ServerSentEvent]:
        """End of input: an event missing only its blank line is still delivered."""
        events = self.feed("\n") if self._partial else []
        event = self._dispatch()
        return [*events, event] if event is not None else events

    def _check_size(self) -> None:
        pending = len(self._partial) + sum(len(line) for line in self._data)
        if pending > self._max_pending:
            raise AnswerTooLarge(
                f"The model service sent an event larger than {self._max_pending} characters; "
                "stopped reading."
            )

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if name not in _FIELDS:
            shown = line if len(line) <= 200 else line[:200] + "…"
            raise StreamInterrupted(
                f"The model service sent something that is not a server-sent event: {shown!r}"
            )
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = ""
            return None
        event = ServerSentEvent(self._event or "message", "\n".join(self._data))
        self._event, self._data = "", []
        return event
