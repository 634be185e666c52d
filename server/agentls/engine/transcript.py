"""What a run said to the model and what the model said back: plain data, bounded.

`TranscriptRecorder` watches a provider (`recorder.watching(provider, scrub)`): every
call records the messages sent that the transcript does not hold yet (a repair round
re-sends the whole conversation; only its new turns are kept) and the raw answer,
after `scrub`. The texts it sees are the ones sent, so they are already redacted.
`snapshot()` gives the `Transcript` at any time, also after a failed or cancelled
call, so a caller that passed its own recorder still has the partial story.

Bounds: each message is cut to `MAX_MESSAGE_CHARS` (the middle is elided, with a
note), and once the transcript holds `MAX_TOTAL_CHARS` further texts keep only a note.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from agentls.llm.base import Answer, ChatMessage, ChatRequest, DeltaCallback, Provider

if TYPE_CHECKING:
    from agentls.edits.model import Problem
    from agentls.engine.model import RunRequest

MAX_MESSAGE_CHARS = 64 * 1024
MAX_TOTAL_CHARS = 512 * 1024
# Below this much room left, a text is replaced by a note instead of a sliver of itself.
_MIN_ROOM = 2 * 1024

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class TranscriptMessage:
    """One message sent to the model, or (``answer``) one raw answer it gave."""

    role: Role
    text: str
    answer: bool = False
    round: int = 1  # the model call this belongs to: 1, then 2 for a repair round, ...
    elided: int = 0  # characters cut out of ``text`` to keep it within bounds


@dataclass(frozen=True, slots=True)
class Transcript:
    run_id: str
    agent: str = ""
    provider: str = ""
    model: str = ""
    scope: str = ""
    mode: str = "implement"
    started_at: str = ""  # UTC, ISO 8601
    finished_at: str = ""
    messages: tuple[TranscriptMessage, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    problems: tuple[str, ...] = ()  # the final problems, rendered
    error: str | None = None  # why the run stopped before its end (model error, cancel)

    @property
    def answers(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.messages if m.answer)


def bound(text: str, limit: int) -> tuple[str, int]:
    """``text`` within ``limit`` characters: the middle cut out and replaced by a note.

    Returns the text and how many characters were cut."""
    if len(text) <= limit:
        return text, 0
    note_room = 80
    keep = max(limit - note_room, 0)
    head, tail = keep * 2 // 3, keep - keep * 2 // 3
    cut = len(text) - head - tail
    note = f"\n\n[… agentls elided {cut:,} characters here to keep the transcript small …]\n\n"
    return text[:head] + note + (text[-tail:] if tail else ""), cut


def _utc_now() -> str:
    from datetime import UTC, datetime  # off the start-up path

    return datetime.now(UTC).isoformat(timespec="seconds")


def _add(a: int | None, b: int | None) -> int | None:
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


@dataclass
class TranscriptRecorder:
    """Collects a run's exchanges with the model. Not thread-safe; one run at a time."""

    max_message_chars: int = MAX_MESSAGE_CHARS
    max_total_chars: int = MAX_TOTAL_CHARS
    scrub: Callable[[str], str] = str  # applied to error texts; `start` sets it
    _header: Transcript = field(default_factory=lambda: Transcript(run_id=""), init=False)
    _messages: list[TranscriptMessage] = field(default_factory=list, init=False)
    # The conversation so far as sent and answered (unbounded), to tell new turns from
    # re-sent ones.
    _conversation: tuple[ChatMessage, ...] = field(default=(), init=False)
    _used: int = field(default=0, init=False)
    _round: int = field(default=0, init=False)

    @property
    def run_id(self) -> str:
        return self._header.run_id

    def start(
        self,
        run_id: str,
        request: RunRequest,
        provider_name: str,
        model: str,
        provider: Provider,
        secret_values: Sequence[str],
    ) -> Provider:
        """Begin the transcript of a run; returns ``provider`` with each call recorded.

        Answers and error texts lose our own keys (``secret_values``) before they are
        kept, as the run itself scrubs answers."""
        from agentls.context.secrets import redact_values

        def scrub(text: str) -> str:
            return redact_values(text, secret_values)[0]

        self.scrub = scrub
        self._header = dataclasses.replace(
            self._header,
            run_id=run_id,
            agent=request.agent.name,
            provider=provider_name,
            model=model,
            scope=request.scope,
            mode=request.mode,
            started_at=_utc_now(),
        )
        # A cast: the wrapper forwards every other provider method by __getattr__, so it
        # keeps up with the Provider protocol without listing it.
        return cast("Provider", _RecordingProvider(provider, self, scrub))

    # -- recording ---------------------------------------------------------------

    def sent(self, request: ChatRequest) -> None:
        self._round += 1
        messages = request.messages
        known = len(self._conversation)
        new = messages[known:] if messages[:known] == self._conversation else messages
        self._conversation = messages
        for message in new:
            self._append(message.role, message.content, answer=False)

    def answered(self, answer: Answer) -> None:
        self._append("assistant", answer.text, answer=True)
        # A repair round sends this answer back: it is not a new turn then.
        self._conversation += (ChatMessage("assistant", answer.text),)
        self._header = dataclasses.replace(
            self._header,
            input_tokens=_add(self._header.input_tokens, answer.usage.input_tokens),
            output_tokens=_add(self._header.output_tokens, answer.usage.output_tokens),
            model=answer.model or self._header.model,
        )

    def failed(self, reason: str) -> None:
        self._header = dataclasses.replace(self._header, error=self.scrub(reason))

    def _append(self, role: Role, text: str, *, answer: bool) -> None:
        room = min(self.max_message_chars, self.max_total_chars - self._used)
        if room < min(_MIN_ROOM, len(text)):
            shown, cut = "[… omitted: the transcript reached its size limit …]", len(text)
        else:
            shown, cut = bound(text, room)
        self._used += len(shown)
        self._messages.append(TranscriptMessage(role, shown, answer, self._round, cut))

    # -- reading -----------------------------------------------------------------

    def snapshot(self) -> Transcript:
        return dataclasses.replace(
            self._header, messages=tuple(self._messages), finished_at=_utc_now()
        )

    def finish(self, problems: Sequence[Problem] = ()) -> Transcript:
        """The whole transcript, with the run's final problems."""
        rendered = tuple(f"{p.severity}: {p.render()}" for p in problems)
        self._header = dataclasses.replace(self._header, problems=rendered)
        return self.snapshot()


class _RecordingProvider:
    """A provider that tells a recorder what was sent and what came back; anything
    else (``aclose``, ``context_window``, ...) goes straight to the wrapped one."""

    def __init__(
        self, inner: Provider, recorder: TranscriptRecorder, scrub: Callable[[str], str]
    ) -> None:
        self.name = inner.name
        self._inner = inner
        self._recorder = recorder
        self._scrub = scrub

    async def complete(self, request: ChatRequest, on_delta: DeltaCallback | None = None) -> Answer:
        self._recorder.sent(request)
        try:
            answer = await self._inner.complete(request, on_delta=on_delta)
        except asyncio.CancelledError:
            self._recorder.failed("cancelled while waiting for the model")
            raise
        except Exception as error:
            self._recorder.failed(f"{type(error).__name__}: {error}")
            raise
        self._recorder.answered(dataclasses.replace(answer, text=self._scrub(answer.text)))
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
