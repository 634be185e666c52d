"""`agentls doctor`: what agentls would use here, where each setting came from, what is wrong.

Checks the merged settings (and the layer that set each value), the agents found, the
provider (resolved, reachable, key present, model offered) and, for `local`, the runtime
and the model file with its checksum. Every problem comes with its fix. Exit code 1 when
there is a problem, else 0. Keys are never printed, only whether they are set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

from agentls.config import Settings

_TIMEOUT = httpx.Timeout(5.0)
_DEFAULT_URLS = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
    "ollama": "http://127.0.0.1:11434",
}


@dataclass(frozen=True, slots=True)
class Finding:
    section: str
    label: str
    detail: str = ""
    problem: str | None = None
    fix: str | None = None


def main(args: argparse.Namespace) -> int:
    return run(
        workspace=Path(args.workspace or "."),
        as_json=bool(args.json),
        env=os.environ,
        out=sys.stdout,
    )


def run(*, workspace: Path, as_json: bool, env: Mapping[str, str], out: TextIO) -> int:
    findings = list(diagnose(workspace.expanduser().resolve(), env))
    problems = [f for f in findings if f.problem]
    if as_json:
        data = {"ok": not problems, "findings": [asdict(f) for f in findings]}
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(render(findings))
    return 1 if problems else 0


def render(findings: list[Finding]) -> str:
    lines: list[str] = []
    section = None
    for finding in findings:
        if finding.section != section:
            section = finding.section
            lines.append(("\n" if lines else "") + f"{section}")
        mark = "FAIL" if finding.problem else "ok  "
        detail = finding.problem or finding.detail
        lines.append(f"  {mark} {finding.label}" + (f": {detail}" if detail else ""))
        if finding.fix:
            lines.append(f"       fix: {finding.fix}")
    problems = sum(1 for f in findings if f.problem)
    lines.append("")
    lines.append(f"{problems} problem(s) found." if problems else "No problems found.")
    return "\n".join(lines) + "\n"


def diagnose(root: Path, env: Mapping[str, str]) -> Iterator[Finding]:
    from agentls.settings_loader import load_settings

    if not root.is_dir():
        yield Finding("Workspace", str(root), problem="not a folder", fix="pass --workspace DIR")
        return
    yield Finding("Workspace", str(root))
    loaded = load_settings(workspace_root=root, editor_settings=None, env=env)
    yield from _config(loaded.settings, loaded.sources, loaded.problems)
    yield from _agents(root, loaded.settings, env)
    yield from _provider(loaded.settings, env)


# -- configuration -------------------------------------------------------------------


def _leaf_values(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _leaf_values(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _config(settings: Settings, sources: Mapping[str, str], problems: Any) -> Iterator[Finding]:
    values = dict(_leaf_values(settings.model_dump(mode="json")))
    defaults = 0
    for dotted, value in values.items():
        source = sources.get(dotted, "default")
        if source == "default" and dotted not in ("provider", "model", "base_url"):
            defaults += 1
            continue
        yield Finding("Configuration", dotted, f"{json.dumps(value)}  (from {source})")
    yield Finding("Configuration", f"{defaults} other settings", "at their defaults")
    for problem in problems:
        is_error = getattr(problem, "severity", "error") == "error"
        yield Finding(
            "Configuration",
            f"{problem.source}: {problem.field or 'file'}",
            detail="" if is_error else problem.render(),
            problem=problem.render() if is_error else None,
            fix=f"edit {problem.source}" if is_error else None,
        )


# -- agents --------------------------------------------------------------------------


def _agents(root: Path, settings: Settings, env: Mapping[str, str]) -> Iterator[Finding]:
    from agentls.agents.registry import discover_agents

    registry = discover_agents(workspace_root=root, settings=settings, env=env)
    for agent in registry.agents:
        titles = " / ".join(agent.offered_titles) or "no code actions"
        yield Finding("Agents", agent.name, f"{agent.origin}: {agent.source} ({titles})")
    for error in registry.errors:
        yield Finding(
            "Agents",
            error.source,
            problem=error.message,
            fix="fix the agent file's frontmatter, or move the file out of the agent folders",
        )
    if registry.default() is None:
        yield Finding(
            "Agents",
            "default agent",
            problem="no agent offers code actions",
            fix=f"add an agent file, or check `agents.default` ({settings.agents.default!r})",
        )


# -- provider, key, model ------------------------------------------------------------


def _provider(settings: Settings, env: Mapping[str, str]) -> Iterator[Finding]:
    from agentls.llm.errors import LLMError
    from agentls.llm.factory import resolve_provider
    from agentls.llm.local import missing_provider_message

    try:
        choice = resolve_provider(settings, env)
    except LLMError as error:
        fix = missing_provider_message() if settings.provider is None else None
        yield Finding("Provider", "provider", problem=str(error), fix=fix)
        return
    name = choice.provider
    yield Finding("Provider", "provider", f"{name} ({choice.reason})")
    if name == "local":
        yield from _local(settings)
        return
    base_url = (choice.base_url or _DEFAULT_URLS[name]).rstrip("/")
    key_env = choice.api_key_env
    key = env.get(key_env) if key_env else None
    if key_env:
        yield _key_finding(key_env, bool(key), choice.key_required)
    if choice.key_required and not key:
        return  # the service would only refuse us; the key finding says what to do
    yield from _remote_models(name, base_url, key, key_env, choice.model)


def _key_finding(key_env: str, present: bool, required: bool) -> Finding:
    if present:
        return Finding("Provider", "API key", f"{key_env} is set")
    if not required:
        return Finding(
            "Provider", "API key", f"{key_env} is not set (a local server may not need it)"
        )
    return Finding(
        "Provider",
        "API key",
        problem=f"{key_env} is not set",
        fix=f"export {key_env}=<your key> (keys are read only from the environment)",
    )


def _remote_models(
    name: str, base_url: str, key: str | None, key_env: str | None, model: str | None
) -> Iterator[Finding]:
    url, headers = _models_request(name, base_url, key)
    try:
        response = httpx.get(url, headers=headers, timeout=_TIMEOUT)
    except httpx.HTTPError as error:
        start = "start Ollama (`ollama serve`)" if name == "ollama" else "check your network"
        yield Finding(
            "Provider",
            "reachable",
            problem=f"{base_url} did not answer ({type(error).__name__})",
            fix=f"{start}, or set `base_url` (AGENTLS_BASE_URL) to where the server listens",
        )
        return
    if response.status_code in (401, 403):
        yield Finding(
            "Provider",
            "reachable",
            problem=f"{base_url} refused the key (HTTP {response.status_code})",
            fix=f"check {key_env or 'the API key'}",
        )
        return
    if response.status_code != 200:
        yield Finding(
            "Provider",
            "reachable",
            problem=f"{url} answered HTTP {response.status_code}",
            fix="check `base_url`: OpenAI-compatible URLs end in /v1, Anthropic's has no path",
        )
        return
    yield Finding("Provider", "reachable", base_url)
    names = _model_names(name, response)
    if names:
        more = f" (and {len(names) - 10} more)" if len(names) > 10 else ""
        yield Finding("Provider", "models offered", ", ".join(names[:10]) + more)
    yield _model_finding(name, model, names)


def _models_request(name: str, base_url: str, key: str | None) -> tuple[str, dict[str, str]]:
    if name == "ollama":
        return f"{base_url.removesuffix('/v1')}/api/tags", {}
    if name == "anthropic":
        headers = {"anthropic-version": "2023-06-01", **({"x-api-key": key} if key else {})}
        return f"{base_url}/v1/models", headers
    return f"{base_url}/models", ({"Authorization": f"Bearer {key}"} if key else {})


def _model_names(name: str, response: httpx.Response) -> list[str]:
    try:
        data = response.json()
    except ValueError:
        return []
    if name == "ollama":
        return [str(m.get("name")) for m in data.get("models", []) if isinstance(m, dict)]
    return [str(m.get("id")) for m in data.get("data", []) if isinstance(m, dict)]


def _model_finding(name: str, model: str | None, names: list[str]) -> Finding:
    if not model:
        return Finding(
            "Provider",
            "model",
            problem="no model is configured",
            fix="set `model:` in .agentls.yaml or AGENTLS_MODEL"
            + (f"; this server offers: {', '.join(names[:10])}" if names else ""),
        )
    known = set(names) | {n.removesuffix(":latest") for n in names}
    if not names or model in known:
        return Finding("Provider", "model", model + ("" if names else " (not listed by server)"))
    fix = f"`ollama pull {model}`" if name == "ollama" else "pick another model"
    return Finding(
        "Provider",
        "model",
        problem=f"{model} is not offered by this server (it offers: {', '.join(names[:10])})",
        fix=f"{fix}, or set AGENTLS_MODEL to one it offers",
    )


def _local(settings: Settings) -> Iterator[Finding]:
    from agentls.llm.local import LOCAL_INSTALL, default_threads, local_available
    from agentls.models_cache import DEFAULT_MODEL, model_path, sha256_file

    if local_available():
        yield Finding("Local model", "runtime", "xllamacpp is installed")
    else:
        yield Finding(
            "Local model",
            "runtime",
            problem="xllamacpp (the embedded llama.cpp) is not installed",
            fix=LOCAL_INSTALL,
        )
    threads = settings.local.threads or default_threads()
    yield Finding(
        "Local model",
        "runtime settings",
        f"{threads} thread(s), context {settings.local.context_size}, "
        f"stops after {settings.local.idle_timeout:g} s idle",
    )
    is_default = settings.model in (None, DEFAULT_MODEL.alias, "default")
    path = model_path() if is_default else Path(str(settings.model)).expanduser()
    if not path.is_file():
        yield Finding(
            "Local model",
            "model file",
            problem=f"{path} does not exist",
            fix="run `agentls model pull`"
            if is_default
            else "set `model:` to the path of a .gguf file, or unset it for the default model",
        )
        return
    digest = sha256_file(path)
    if is_default and digest != DEFAULT_MODEL.sha256:
        yield Finding(
            "Local model",
            "model file",
            problem=f"{path} is damaged (sha256 {digest}, expected {DEFAULT_MODEL.sha256})",
            fix="run `agentls model pull` to fetch it again",
        )
        return
    pinned = " (matches the pinned checksum)" if is_default else ""
    yield Finding("Local model", "model file", f"{path}")
    yield Finding("Local model", "sha256", f"{digest}{pinned}")
