"""Read one agent file: YAML frontmatter + markdown body (the system prompt).

Two formats are understood, and may be mixed:
- opencode: `description` (required), `mode`, `model`, `temperature`, `tools`,
  `permission`, `prompt` (inline text or `{file:./path}` relative to the agent file,
  or absolute / `~/`),
  `hidden`, `disable`; the name is the file stem.
- Claude Code: `name`, `description`, `tools` (comma string or list), `model`, where the
  aliases `sonnet`/`opus`/`haiku`/`inherit` mean "the configured model" (None).
agentls adds `agentls: {titles: {selection, workspace}, edit_format, role, implementer}`:
`role: plan` makes a planner (it writes a plan file, never code), and `implementer`
names the agent that implements its plans.

When both `prompt:` and a body exist, the prompt text comes first, then the body.
Unknown frontmatter keys are tolerated. `parse_agent_file` never raises.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentls.agents.model import AgentLoadError, AgentMode, AgentSpec

# Claude Code model aliases: they name a tier, not a model id, so use the configured model.
CLAUDE_MODEL_ALIASES = frozenset({"sonnet", "opus", "haiku", "inherit", "default"})
MAX_AGENT_BYTES = 512_000

_FILE_REFERENCE = re.compile(r"^\{file:(?P<path>[^}]+)\}$")


class _Titles(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    selection: str | None = None
    workspace: str | None = None


class _Extension(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    titles: _Titles | None = None
    edit_format: Literal["auto", "whole", "search-replace", "udiff"] | None = None
    role: Literal["implement", "plan"] = "implement"
    implementer: str | None = None


class _Frontmatter(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    name: str | None = None
    description: str
    mode: AgentMode | None = None
    model: str | None = None
    temperature: float | None = Field(None, ge=0, le=2)
    tools: str | list[str] | dict[str, Any] | None = None
    permission: dict[str, Any] | str | None = None
    prompt: str | None = None
    hidden: bool = False
    disable: bool = False
    agentls: _Extension | None = None


def parse_agent_file(path: Path, origin: str) -> AgentSpec | AgentLoadError:
    """An `AgentSpec`, or an `AgentLoadError` naming the file and what is wrong."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_AGENT_BYTES + 1)
    except OSError as exc:
        return AgentLoadError(source, f"cannot read the file: {exc.strerror or exc}")
    if len(raw) > MAX_AGENT_BYTES:
        return AgentLoadError(source, f"larger than {MAX_AGENT_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return AgentLoadError(source, "not UTF-8 text")
    split = split_frontmatter(text)
    if split is None:
        return AgentLoadError(source, "no YAML frontmatter (the file must start with `---`)")
    header, body = split
    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        return AgentLoadError(source, "invalid YAML frontmatter: " + " ".join(str(exc).split()))
    if not isinstance(data, dict):
        return AgentLoadError(source, "the frontmatter must be a mapping of fields")
    try:
        front = _Frontmatter.model_validate(data)
    except ValidationError as exc:
        return AgentLoadError(source, _describe(exc))
    prompt = _prompt(front.prompt, body, path)
    if isinstance(prompt, AgentLoadError):
        return prompt
    name = (front.name or path.stem).strip()
    if not name:
        return AgentLoadError(source, "name: should not be empty")
    extension = front.agentls or _Extension()
    titles = extension.titles or _Titles()
    return AgentSpec(
        name=name,
        description=front.description.strip(),
        prompt=prompt,
        source=source,
        origin=origin,
        mode=front.mode or "all",
        model=_model(front.model),
        temperature=front.temperature,
        hidden=front.hidden,
        disable=front.disable,
        selection_title=_title(titles.selection),
        workspace_title=_title(titles.workspace),
        edit_format=None if extension.edit_format in (None, "auto") else extension.edit_format,
        role=extension.role,
        implementer=(extension.implementer or "").strip() or None,
    )


def split_frontmatter(text: str) -> tuple[str, str] | None:
    """(frontmatter, body) when the text starts with a `---` fence that is closed."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None


def _prompt(field: str | None, body: str, agent_path: Path) -> str | AgentLoadError:
    parts: list[str] = []
    if field is not None and field.strip():
        reference = _FILE_REFERENCE.match(field.strip())
        if reference:
            target = agent_path.parent / Path(reference["path"].strip()).expanduser()
            try:
                parts.append(target.read_text(encoding="utf-8").strip())
            except (OSError, UnicodeDecodeError) as exc:
                return AgentLoadError(str(agent_path), f"prompt: cannot read {target}: {exc}")
        else:
            parts.append(field.strip())
    if body.strip():
        parts.append(body.strip())
    return "\n\n".join(parts)


def _model(value: str | None) -> str | None:
    if value is None or not value.strip() or value.strip().lower() in CLAUDE_MODEL_ALIASES:
        return None
    return value.strip()


def _title(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def _location(loc: tuple[int | str, ...]) -> str:
    """`agentls.titles.selection`; union member tags such as `list[str]` are dropped."""
    names = []
    for part in loc:
        text = str(part)
        if isinstance(part, int) or "[" in text or text.lower() in _TYPE_TAGS:
            break
        names.append(text)
    return ".".join(names) or "frontmatter"


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = _location(error["loc"])
        if error["type"] == "missing":
            parts.append(f"{where}: is required")
        else:
            parts.append(f"{where}: {error['msg']}")
    # Union types report one error per member; keep the first message per field.
    seen: dict[str, str] = {}
    for part in parts:
        seen.setdefault(part.split(":", 1)[0], part)
    return "; ".join(seen.values())
