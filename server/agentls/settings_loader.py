"""Load `Settings` from its five layers, field by field, without ever raising.

Layers, lowest to highest priority:
  defaults < user file (`$XDG_CONFIG_HOME/agentls/config.yaml`) < workspace `.agentls.yaml`
  (or `.agentls.yml`) < editor settings < `AGENTLS_*` environment variables.
In editor settings, `null` and "" mean "not set here" (editor UIs send them for empty
fields); an empty `AGENTLS_*` variable is likewise ignored.

Each layer is validated one field at a time: a bad value is dropped with a
`ConfigProblem` and the layer's other fields still apply. Broken YAML skips that file
only. Unknown keys are warnings; an `AGENTLS_*` variable is only read when it names a
setting or a known section (`AGENTLS_HTTP__TYPO` warns, `AGENTLS_TEST_DIR` is not ours).
API keys are refused everywhere except the process environment (`OPENAI_API_KEY`,
`ANTHROPIC_API_KEY`, or the variable named by `api_key_env`), which this module never
reads.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from agentls.config import Settings

Severity = Literal["error", "warning"]

DEFAULT_SOURCE = "default"
EDITOR_SOURCE = "editor settings"
WORKSPACE_FILES = (".agentls.yaml", ".agentls.yml")

# Short env names from the public contract; anything else uses AGENTLS_<SECTION>__<FIELD>.
_ENV_SHORT_NAMES = {
    "AGENTLS_PROVIDER": "provider",
    "AGENTLS_MODEL": "model",
    "AGENTLS_BASE_URL": "base_url",
    "AGENTLS_API_KEY_ENV": "api_key_env",
    "AGENTLS_TEMPERATURE": "temperature",
    "AGENTLS_LOG_LEVEL": "log_level",
    "AGENTLS_EDIT_FORMAT": "edit_format",
    "AGENTLS_PROMPT": "prompt",
}
_ENV_PREFIX = "AGENTLS_"

# `api_key`, `apiKey`, `openai_api_key`, `token`, `password`… but not `api_key_env`.
_KEY_LIKE = re.compile(
    r"^(?:.*_)?(?:api_?key|secret_?key|secret|access_?token|auth_?token|token|password)$"
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One setting that could not be used as written."""

    source: str  # e.g. ".agentls.yaml", "editor settings", "env AGENTLS_MODEL"
    field: str  # dotted path, "" for the whole layer
    message: str
    severity: Severity = "error"
    consequence: str = ""  # e.g. "using the default"

    def render(self) -> str:
        where = f"`{self.source}`: " + (f"{self.field}: " if self.field else "")
        tail = f" — {self.consequence}" if self.consequence else ""
        return where + self.message + tail


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: Settings
    problems: tuple[ConfigProblem, ...] = ()
    # Dotted field -> the layer that set it ("default" when no layer did).
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def endpoint_from_workspace(self) -> bool:
        """The repository's own file chose the server: it gets no API key of the user's."""
        return self.sources.get("base_url") in WORKSPACE_FILES


@dataclass(frozen=True, slots=True)
class _Layer:
    source: str
    values: Mapping[str, Any]
    split_strings: bool = False  # env: "a,b" means a list
    blank_is_unset: bool = False  # editor UIs send null / "" for settings left empty
    untrusted: bool = False  # the repository's own file: see _untrusted_refusal
    trusted: bool = False  # ...which the user trusts: it may set checks.commands


def load_settings(
    *,
    workspace_root: Path | None,
    editor_settings: Mapping[str, Any] | None,
    env: Mapping[str, str],
    home: Path | None = None,
) -> LoadedSettings:
    """Merge every layer into one validated `Settings`. Never raises."""
    problems: list[ConfigProblem] = []
    layers: list[_Layer] = []
    user_file = user_config_path(env, home)
    layers.extend(_file_layer(user_file, _display(user_file, env, home), problems))
    editor_layers = _editor_layer(editor_settings, problems) if editor_settings else []
    if workspace_root is not None:
        trusted = _trusted(workspace_root, [*layers, *editor_layers], env, home)
        layers.extend(_workspace_layer(workspace_root, problems, trusted))
    layers.extend(editor_layers)
    layers.append(_env_layer(env))

    chosen: dict[str, Any] = {}
    sources: dict[str, str] = dict.fromkeys(_leaf_names(Settings), DEFAULT_SOURCE)
    for layer in layers:
        for source, dotted, value in _validated_leaves(layer, sources, problems):
            chosen[dotted] = value
            sources[dotted] = source
    try:
        settings = Settings.model_validate(_nest(chosen))
    except ValidationError as exc:  # cannot happen with per-field checks; stay safe anyway
        problems.append(
            ConfigProblem("settings", "", _first_message(exc), "error", "using defaults")
        )
        settings = Settings.model_validate({})
        sources = dict.fromkeys(sources, DEFAULT_SOURCE)
    return LoadedSettings(settings, tuple(problems), MappingProxyType(sources))


def user_config_dir(env: Mapping[str, str], home: Path | None = None) -> Path:
    """`$XDG_CONFIG_HOME`, else `~/.config`."""
    xdg = env.get("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg)
    return _home(env, home) / ".config"


def user_config_path(env: Mapping[str, str], home: Path | None = None) -> Path:
    return user_config_dir(env, home) / "agentls" / "config.yaml"


def _home(env: Mapping[str, str], home: Path | None) -> Path:
    if home is not None:
        return home
    if env.get("HOME"):
        return Path(env["HOME"])
    return Path.home()


def _display(path: Path, env: Mapping[str, str], home: Path | None) -> str:
    try:
        return "~/" + path.relative_to(_home(env, home)).as_posix()
    except ValueError:
        return str(path)


# ---- reading the layers -------------------------------------------------------------


def _file_layer(path: Path, source: str, problems: list[ConfigProblem]) -> list[_Layer]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            ConfigProblem(source, "", f"cannot read the file ({exc})", "error", "ignored")
        )
        return []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        message = f"invalid YAML: {_one_line(str(exc))}"
        problems.append(ConfigProblem(source, "", message, "error", "file ignored"))
        return []
    if data is None:
        return []
    if not isinstance(data, Mapping):
        message = f"expected a mapping of settings, got {type(data).__name__}"
        problems.append(ConfigProblem(source, "", message, "error", "file ignored"))
        return []
    return [_Layer(source, data)]


def _trusted(
    root: Path, own_layers: list[_Layer], env: Mapping[str, str], home: Path | None
) -> bool:
    """Whether the user's own settings trust this folder: it is in `trusted_workspaces`
    (user file or editor settings, `~` allowed), or the editor says `workspace_trusted`."""
    try:
        here = root.resolve()
    except OSError:
        return False
    for layer in own_layers:
        if layer.values.get("workspace_trusted") is True:
            return True
        folders = layer.values.get("trusted_workspaces")
        if isinstance(folders, str):
            folders = [folders]
        if not isinstance(folders, list | tuple):
            continue
        for folder in folders:
            if not isinstance(folder, str) or not folder.strip():
                continue
            path = Path(folder)
            if folder.startswith("~"):
                path = _home(env, home) / folder[1:].lstrip("/")
            try:
                if path.is_absolute() and path.resolve() == here:
                    return True
            except OSError:
                continue
    return False


def _workspace_layer(
    root: Path, problems: list[ConfigProblem], trusted: bool = False
) -> list[_Layer]:
    present = [name for name in WORKSPACE_FILES if (root / name).is_file()]
    if len(present) > 1:
        message = f"both {' and '.join(present)} exist; using {present[0]}"
        problems.append(ConfigProblem(present[1], "", message, "warning", "ignored"))
    if not present:
        return []
    return [
        _Layer(layer.source, layer.values, untrusted=True, trusted=trusted)
        for layer in _file_layer(root / present[0], present[0], problems)
    ]


def _editor_layer(raw: Mapping[str, Any], problems: list[ConfigProblem]) -> list[_Layer]:
    inner = raw.get("agentls", raw) if isinstance(raw, Mapping) else raw
    if inner is None:
        return []
    if not isinstance(inner, Mapping):
        message = f"section `agentls` should be an object, got {type(inner).__name__}"
        problems.append(ConfigProblem(EDITOR_SOURCE, "", message, "error", "ignored"))
        return []
    return [_Layer(EDITOR_SOURCE, inner, blank_is_unset=True)]


def _env_layer(env: Mapping[str, str]) -> _Layer:
    values: dict[str, Any] = {}
    for name, value in env.items():
        if not name.startswith(_ENV_PREFIX) or value == "":
            continue
        dotted = _ENV_SHORT_NAMES.get(name) or name[len(_ENV_PREFIX) :].lower().replace("__", ".")
        if not _may_be_setting(dotted):
            continue  # AGENTLS_* is shared with test harnesses and scripts
        values[f"env {name}\0{dotted}"] = value
    return _Layer("env", values, split_strings=True)


# ---- validating one field at a time ---------------------------------------------------


def _may_be_setting(dotted: str) -> bool:
    """A top-level setting, anything under a known section, or a misplaced key."""
    first = dotted.split(".", 1)[0]
    return first in Settings.model_fields or bool(_KEY_LIKE.match(dotted.rsplit(".", 1)[-1]))


def _validated_leaves(
    layer: _Layer, sources: Mapping[str, str], problems: list[ConfigProblem]
) -> Iterator[tuple[str, str, Any]]:
    for source, dotted, value in _leaves(layer):
        if layer.blank_is_unset and (
            value is None or (isinstance(value, str) and not value.strip())
        ):
            continue
        outcome = _validate_leaf(dotted, value, split_strings=layer.split_strings)
        if layer.untrusted and not isinstance(outcome, ConfigProblem):
            outcome = _untrusted_refusal(dotted, outcome, layer.trusted) or outcome
        if isinstance(outcome, ConfigProblem):
            prior = sources.get(dotted, DEFAULT_SOURCE)
            consequence = outcome.consequence or (
                "using the default"
                if prior == DEFAULT_SOURCE
                else f"keeping the value from {prior}"
            )
            problems.append(
                ConfigProblem(source, outcome.field, outcome.message, outcome.severity, consequence)
            )
            continue
        yield source, dotted, outcome


def _leaves(layer: _Layer) -> Iterator[tuple[str, str, Any]]:
    """(source, dotted key, value) for every leaf; sections become dotted paths."""
    if layer.source == "env":
        for tagged, value in layer.values.items():
            source, dotted = tagged.split("\0")
            yield source, dotted, value
        return
    yield from _walk(layer.source, "", layer.values, Settings)


def _walk(
    source: str, prefix: str, values: Mapping[str, Any], model: type[BaseModel]
) -> Iterator[tuple[str, str, Any]]:
    for raw_key, value in values.items():
        key = _snake(str(raw_key))
        dotted = prefix + key
        section = _section_model(model, key)
        if section is not None and isinstance(value, Mapping):
            yield from _walk(source, dotted + ".", value, section)
        else:
            yield source, dotted, value


def _validate_leaf(dotted: str, value: Any, *, split_strings: bool) -> Any:
    """The validated value, or a ConfigProblem (field set, source filled in by caller)."""
    *sections, name = dotted.split(".")
    model: type[BaseModel] = Settings
    for section_name in sections:
        section = _section_model(model, section_name)
        if section is None:
            return _unknown(dotted)
        model = section
    if _KEY_LIKE.match(name):
        message = (
            f"`{name}` looks like an API key or secret; settings never hold keys. Put the key "
            "in an environment variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, or the one named "
            "by `api_key_env`)"
        )
        return ConfigProblem("", dotted, message, "error", "ignored")
    if name not in model.model_fields:
        return _unknown(dotted)
    if _section_model(model, name) is not None:
        message = f"should be a mapping of settings, got {type(value).__name__}"
        return ConfigProblem("", dotted, message)
    if _is_tuple_field(model, name) and isinstance(value, str):
        value = [p.strip() for p in value.split(",") if p.strip()] if split_strings else [value]
    try:
        return getattr(model.model_validate({name: value}), name)
    except ValidationError as exc:
        return ConfigProblem("", dotted, _first_message(exc))


# A cloned repository must not choose where the user's key goes, what is written outside
# it, or whether secrets are redacted. Editors without workspace trust (Neovim, Helix,
# Emacs) would otherwise let any repository do so.
_USER_ONLY = {
    "api_key_env": "which environment variable is sent as the API key",
    "provenance.state_dir": "where agentls writes outside the workspace",
    "allow_sensitive_edits": "whether edits to files that run code apply without asking",
    "sensitive_paths": "which files need your confirmation before an edit",
    "trusted_workspaces": "which folders are trusted",
    "workspace_trusted": "whether it is trusted",
}
# Commands agentls runs: from a repository's own file only when the user trusts it.
_TRUSTED_ONLY = {"checks.commands": "commands agentls runs"}


def _untrusted_refusal(dotted: str, value: Any, trusted: bool = False) -> ConfigProblem | None:
    """Why the workspace file may not set this value, or None when it may."""
    consequence = "ignored; set it in your user config, editor settings or AGENTLS_* env"
    if dotted in _TRUSTED_ONLY and not trusted and value:
        message = (
            f"a workspace file may set {_TRUSTED_ONLY[dotted]} only in a trusted workspace: "
            "add this folder to `trusted_workspaces` in your user config, or trust it in "
            "your editor"
        )
        return ConfigProblem("", dotted, message, "warning", "ignored; nothing is run")
    if dotted in _USER_ONLY:
        message = f"a workspace file cannot choose {_USER_ONLY[dotted]}"
        return ConfigProblem("", dotted, message, "warning", consequence)
    if dotted == "context.redact_secrets" and value is False:
        message = "a workspace file cannot turn secret redaction off"
        return ConfigProblem("", dotted, message, "warning", consequence)
    if dotted == "agents.paths":
        outside = [p for p in value if Path(p).is_absolute() or ".." in Path(p).parts]
        if outside:
            message = f"agent folders must lie inside the workspace: {', '.join(outside)}"
            return ConfigProblem("", dotted, message, "warning", consequence)
    return None


def _unknown(dotted: str) -> ConfigProblem:
    return ConfigProblem("", dotted, f"unknown setting `{dotted}`", "warning", "ignored")


# ---- small helpers --------------------------------------------------------------------


def _section_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    info = model.model_fields.get(name)
    annotation = info.annotation if info else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_tuple_field(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    return annotation is tuple or typing.get_origin(annotation) is tuple


def _leaf_names(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name in model.model_fields:
        section = _section_model(model, name)
        if section is None:
            yield prefix + name
        else:
            yield from _leaf_names(section, f"{prefix}{name}.")


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for dotted, value in flat.items():
        *sections, name = dotted.split(".")
        node = tree
        for section in sections:
            node = node.setdefault(section, {})
        node[name] = value
    return tree


def _snake(key: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", key).replace("-", "_").lower()


def _first_message(exc: ValidationError) -> str:
    errors = exc.errors()
    return str(errors[0]["msg"]) if errors else str(exc)


def _one_line(text: str) -> str:
    return " ".join(text.split())
