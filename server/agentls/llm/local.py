"""The embedded local model: one llama.cpp HTTP server child, started on demand.

`LocalModelManager` owns the child (see `local_launcher` for the child side):
- started on first use, on 127.0.0.1, on a port the OS picks, with a one-time API key;
- reused across runs; restarted if it crashed, stopped no longer answers, or the launch
  settings (model, threads, context size) changed;
- stopped after ``settings.local.idle_timeout`` seconds without a lease, and by `aclose`;
- never orphaned: the child exits when its stdin pipe closes, which the kernel does when
  this process dies, even by SIGKILL.

The server speaks the OpenAI-compatible API, so the `local` provider is the OpenAI-compatible
provider pointed at `LocalEndpoint.base_url` (see `local_provider`).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import secrets
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from agentls.config import Settings
from agentls.llm.errors import ProviderConfigError, ProviderTimeout, ProviderUnreachable
from agentls.llm.local_launcher import LaunchConfig
from agentls.models_cache import DEFAULT_MODEL, ModelCacheError, models_dir, verify_model

LAUNCHER = (sys.executable, "-m", "agentls.llm.local_launcher")
STOP_GRACE_SECONDS = 5.0
# agentls is not on PyPI; the runtime its `local` extra adds (xllamacpp) is, so this
# works for any install, the VS Code extension's private environment included.
LOCAL_INSTALL = (
    f"{sys.executable} -m pip install 'xllamacpp>=2026.1' "
    "(or pip install '.[local]' in an agentls checkout)"
)
_HEALTH_POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class LocalEndpoint:
    base_url: str  # OpenAI-style, ends in /v1
    api_key: str
    model_alias: str


def local_available() -> bool:
    """True when agentls's `local` extra is installed (the llama.cpp runtime is importable)."""
    return importlib.util.find_spec("xllamacpp") is not None


def default_threads() -> int:
    """Few threads: on small shared machines more threads make generation slower."""
    cpus = os.cpu_count() or 1
    return 1 if cpus <= 2 else min(4, cpus // 2)


@dataclass(frozen=True, slots=True)
class _Launch:
    """What decides whether a running child can be reused."""

    model_path: str
    alias: str
    threads: int
    context_size: int
    is_default_model: bool


def _plan_launch(settings: Settings, cache_dir: Path | None) -> _Launch:
    local = settings.local
    threads = local.threads or default_threads()
    model = settings.model
    if model is None or model in (DEFAULT_MODEL.alias, "default"):
        path = models_dir(cache_dir) / DEFAULT_MODEL.file_name
        return _Launch(str(path), DEFAULT_MODEL.alias, threads, local.context_size, True)
    path = Path(model).expanduser()
    if not path.is_file():
        raise ProviderConfigError(
            f"The local provider needs `model` to be the path of a GGUF file, or unset for the "
            f"default model; {model!r} is not a file. Set `model:` to a .gguf path, or unset it "
            "and run `agentls model pull`."
        )
    return _Launch(str(path.resolve()), path.stem, threads, local.context_size, False)


class LocalModelManager:
    """Starts, reuses, restarts and stops the local model server child."""

    def __init__(
        self,
        settings: Settings,
        cache_dir: Path | None = None,
        *,
        launcher: Sequence[str] = LAUNCHER,
        start_timeout: float = 180.0,
        log_path: Path | None = None,
    ) -> None:
        self._settings = settings
        self._cache_dir = cache_dir
        self._launcher = tuple(launcher)
        self._start_timeout = start_timeout
        self._log_path = log_path or models_dir(cache_dir).parent / "local-server.log"
        self._lock = asyncio.Lock()
        self._proc: asyncio.subprocess.Process | None = None
        self._launch: _Launch | None = None
        self._endpoint: LocalEndpoint | None = None
        self._idle_task: asyncio.Task[None] | None = None
        self._active = 0
        self._last_used = 0.0

    # -- public ------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.returncode is None else None

    @property
    def context_size(self) -> int:
        """The window the child is (or will be) started with."""
        return self._settings.local.context_size

    def configure(self, settings: Settings) -> None:
        """New settings; the child restarts on next use only if its launch changed."""
        self._settings = settings

    async def ensure(self) -> LocalEndpoint:
        """A ready endpoint: the running child if healthy, else a freshly started one."""
        async with self._lock:
            launch = _plan_launch(self._settings, self._cache_dir)
            endpoint = self._endpoint
            if endpoint and self._launch == launch and await self._usable(endpoint):
                self._touch()
                return endpoint
            await self._stop_locked()
            endpoint = await self._start_locked(launch)
            self._touch()
            return endpoint

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[LocalEndpoint]:
        """Use the server for one run; the idle timer does not stop it meanwhile."""
        endpoint = await self.ensure()
        self._active += 1
        try:
            yield endpoint
        finally:
            self._active -= 1
            self._touch()

    async def aclose(self) -> None:
        async with self._lock:
            await self._stop_locked()

    # -- start and stop ----------------------------------------------------------------

    async def _start_locked(self, launch: _Launch) -> LocalEndpoint:
        if self._launcher == LAUNCHER and not local_available():
            raise ProviderConfigError(
                "The local provider needs the embedded llama.cpp runtime: "
                f"{LOCAL_INSTALL}. Or choose another provider (AGENTLS_PROVIDER)."
            )
        if launch.is_default_model:
            try:
                await asyncio.to_thread(verify_model, DEFAULT_MODEL, self._cache_dir)
            except ModelCacheError as error:
                raise ProviderConfigError(str(error)) from error
        api_key = secrets.token_urlsafe(24)
        config = LaunchConfig(
            model_path=launch.model_path,
            alias=launch.alias,
            api_key=api_key,
            threads=launch.threads,
            context_size=launch.context_size,
            parent_pid=os.getpid(),
        )
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        with self._log_path.open("wb") as log:
            # Spawned from the event loop's thread: PR_SET_PDEATHSIG follows that thread.
            proc = await asyncio.create_subprocess_exec(
                *self._launcher,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                env=env,
                start_new_session=True,  # Ctrl-C in a terminal reaches us, not the child
            )
        self._proc = proc
        try:
            address = await self._handshake(proc, config)
            endpoint = LocalEndpoint(f"{address}/v1", api_key, launch.alias)
            await self._wait_healthy(proc, endpoint)
        except BaseException:
            await self._stop_locked()
            raise
        self._launch, self._endpoint = launch, endpoint
        self._idle_task = asyncio.create_task(self._stop_when_idle(proc), name="local-idle")
        return endpoint

    async def _handshake(self, proc: asyncio.subprocess.Process, config: LaunchConfig) -> str:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(config.to_line().encode())
        await proc.stdin.drain()
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), self._start_timeout)
        except TimeoutError:
            raise ProviderTimeout(
                f"The local model did not start within {self._start_timeout:.0f} s. "
                f"See {self._log_path}."
            ) from None
        try:
            message = json.loads(line) if line else {}
        except json.JSONDecodeError:
            message = {}
        if "address" not in message:
            detail = message.get("error") or "it exited during start-up"
            raise ProviderUnreachable(
                f"The local model server failed to start: {detail}. {self._log_tail()}"
                f"Full log: {self._log_path}."
            )
        return str(message["address"]).rstrip("/")

    async def _wait_healthy(
        self, proc: asyncio.subprocess.Process, endpoint: LocalEndpoint
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._start_timeout
        while not await self._healthy(endpoint):
            if proc.returncode is not None or loop.time() > deadline:
                raise ProviderUnreachable(
                    f"The local model server never became ready. See {self._log_path}."
                )
            await asyncio.sleep(_HEALTH_POLL_SECONDS)

    async def _stop_locked(self) -> None:
        proc, idle = self._proc, self._idle_task
        self._proc = self._launch = self._endpoint = self._idle_task = None
        if idle is not None and idle is not asyncio.current_task():
            idle.cancel()
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()  # EOF: the child's watchdog exits
        try:
            await asyncio.wait_for(proc.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def _stop_when_idle(self, proc: asyncio.subprocess.Process) -> None:
        loop = asyncio.get_running_loop()
        while self._proc is proc:
            timeout = self._settings.local.idle_timeout
            remaining = self._last_used + timeout - loop.time()
            if self._active == 0 and remaining <= 0:
                async with self._lock:
                    if self._proc is proc and self._active == 0:
                        await self._stop_locked()
                return
            await asyncio.sleep(max(remaining, 0.05) if self._active == 0 else timeout)

    # -- helpers -----------------------------------------------------------------------

    def _touch(self) -> None:
        self._last_used = asyncio.get_running_loop().time()

    async def _usable(self, endpoint: LocalEndpoint) -> bool:
        """Alive and answering. While a run streams, a busy server may answer /health late,
        so then being alive is enough: restarting would kill that run."""
        proc = self._proc
        if self._active > 0 and proc is not None and proc.returncode is None:
            return True
        return await self._healthy(endpoint)

    async def _healthy(self, endpoint: LocalEndpoint) -> bool:
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return False
        root = endpoint.base_url.removesuffix("/v1")
        try:
            async with httpx.AsyncClient(timeout=2.0) as client:
                response = await client.get(f"{root}/health")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _log_tail(self, lines: int = 5) -> str:
        try:
            text = self._log_path.read_text(errors="replace")
        except OSError:
            return ""
        tail = "\n".join(text.strip().splitlines()[-lines:])
        return f"Last log lines:\n{tail}\n" if tail else ""


async def ensure_local_server(
    settings: Settings,
    cache_dir: Path | None = None,
    *,
    manager: LocalModelManager | None = None,
) -> LocalEndpoint:
    """Start (or reuse, given the same `manager`) the local model server.

    Without a manager the child lives until this process exits; long-lived callers
    (the LSP server) should hold one `LocalModelManager` and pass it.
    """
    if manager is None:
        manager = LocalModelManager(settings, cache_dir)
    else:
        manager.configure(settings)
    return await manager.ensure()


def missing_provider_message(looked_for: Sequence[str] = ()) -> str:
    """What to say when no provider is configured and no API key was found."""
    variables = ", ".join(looked_for) or "OPENAI_API_KEY, ANTHROPIC_API_KEY"
    hint = (
        "The embedded local model is installed: set `provider: local` (or AGENTLS_PROVIDER=local)"
        " and run `agentls model pull`."
        if local_available()
        else f"Or install the embedded local model ({LOCAL_INSTALL}) and run `agentls model pull`."
    )
    return (
        "No model provider is configured and no API key was found. Looked for: the "
        f"AGENTLS_PROVIDER variable, `provider` in settings and .agentls.yaml, and {variables}. "
        "Set one, e.g. `export OPENAI_API_KEY=...` or `export AGENTLS_PROVIDER=ollama` "
        f"(with a running Ollama). {hint}"
    )


LOCAL_FALLBACK_NOTICE = (
    "No provider or API key is configured, so agentls uses the embedded local model "
    f"({DEFAULT_MODEL.alias}). It shows the workflow; real work wants a real provider."
)
