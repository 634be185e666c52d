"""The naive baseline: one user message, the first fenced block replaces the selection.

No system prompt, no context beyond the one file, no matching, no repair round: what a
script that pastes the file into a chat and splices the answer back would do.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

OPEN_MARK, CLOSE_MARK = "<selection>", "</selection>"
ANSWER_RULE = "Answer with only the replacement code in one code block."
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n", re.MULTILINE)


def mark_selection(text: str, lines: tuple[int, int]) -> str:
    """The file with its lines START..END (1-based, inclusive) wrapped in selection marks."""
    parts = text.splitlines(keepends=True)
    start, end = lines
    head, body, tail = parts[: start - 1], parts[start - 1 : end], parts[end:]
    chosen = "".join(body)
    newline = "\n" if chosen.endswith("\n") else ""
    return (
        "".join(head) + OPEN_MARK + chosen.removesuffix("\n") + CLOSE_MARK + newline + "".join(tail)
    )


def build_prompt(
    path: str, language: str, text: str, lines: tuple[int, int], instruction: str
) -> str:
    marked = mark_selection(text, lines)
    where = f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}"
    return (
        f"File `{path}` ({where} are marked with {OPEN_MARK}…{CLOSE_MARK}):\n\n"
        f"```{language}\n{marked}```\n\n"
        f"Instruction: {instruction}\n\n"
        f"{ANSWER_RULE}"
    )


def first_code_block(answer: str) -> str | None:
    """The body of the first fenced block; an unclosed fence runs to the end of the answer."""
    opening = _FENCE.search(answer)
    if opening is None:
        return None
    fence = opening.group(1)
    rest = answer[opening.end() :]
    closing = re.search(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", rest, re.M)
    body = rest[: closing.start()] if closing else rest
    # An echoed selection mark is never code; dropping it is the one courtesy we extend.
    return body.replace(OPEN_MARK, "").replace(CLOSE_MARK, "")


def replace_lines(text: str, lines: tuple[int, int], replacement: str) -> str:
    """``text`` with its lines START..END replaced by ``replacement`` (newline-terminated)."""
    parts = text.splitlines(keepends=True)
    start, end = lines
    if replacement and not replacement.endswith("\n"):
        replacement += "\n"
    return "".join(parts[: start - 1]) + replacement + "".join(parts[end:])


@dataclass(frozen=True, slots=True)
class NaiveAnswer:
    text: str
    input_tokens: int | None
    output_tokens: int | None
    error: str = ""


def ask(
    base_url: str,
    model: str,
    prompt: str,
    *,
    api_key: str,
    temperature: float,
    max_tokens: int,
    timeout: float = 600.0,
) -> NaiveAnswer:
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "temperature": temperature,
        "max_tokens": max_tokens,
        "stream": False,
    }
    headers = {"Authorization": f"Bearer {api_key}"}
    try:
        response = httpx.post(
            f"{base_url.rstrip('/')}/chat/completions", json=body, headers=headers, timeout=timeout
        )
        response.raise_for_status()
        data: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as error:
        return NaiveAnswer("", None, None, error=f"{type(error).__name__}: {error}")
    choices = data.get("choices") or [{}]
    text = str((choices[0].get("message") or {}).get("content") or "")
    usage = data.get("usage") or {}
    return NaiveAnswer(text, usage.get("prompt_tokens"), usage.get("completion_tokens"))


@dataclass(frozen=True, slots=True)
class NaiveRun:
    answer: NaiveAnswer
    applied: bool
    seconds: float


def run_naive(
    workspace: Path,
    file: str,
    language: str,
    lines: tuple[int, int],
    instruction: str,
    *,
    base_url: str,
    model: str,
    api_key: str,
    temperature: float,
    max_tokens: int,
) -> NaiveRun:
    started = time.monotonic()
    target = workspace / file
    text = target.read_text(encoding="utf-8")
    prompt = build_prompt(file, language, text, lines, instruction)
    answer = ask(
        base_url,
        model,
        prompt,
        api_key=api_key,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    block = first_code_block(answer.text)
    applied = False
    if block is not None:
        new_text = replace_lines(text, lines, block)
        if new_text != text:
            target.write_text(new_text, encoding="utf-8")
            applied = True
    return NaiveRun(answer, applied, time.monotonic() - started)
