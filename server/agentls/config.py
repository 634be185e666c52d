"""Settings: one immutable, validated tree.

Layers, lowest to highest priority: built-in defaults < user file
($XDG_CONFIG_HOME/agentls/config.yaml) < workspace `.agentls.yaml` < editor settings
(initializationOptions / didChangeConfiguration, section ``agentls``) < AGENTLS_* env.
Loading and merging live in `agentls.settings_loader` (see there).
API keys are never settings: only environment variables hold them.
"""

from __future__ import annotations

import shlex
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ProviderName = Literal["openai", "anthropic", "ollama", "local"]
EditFormat = Literal["auto", "whole", "search-replace", "udiff"]
PromptProfileSetting = Literal["auto", "full", "lean"]


class _Section(BaseModel):
    # Unknown keys are tolerated (reported as warnings by the loader), values are frozen.
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class HttpSettings(_Section):
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    read_timeout: float = Field(120.0, gt=0, description="Seconds to wait between streamed bytes.")
    max_attempts: int = Field(3, ge=1, le=10, description="Attempts on 429, 5xx, connect errors.")
    backoff_initial: float = Field(0.5, ge=0, description="First retry delay in seconds.")
    retry_after_cap: float = Field(30.0, ge=0, description="Longest Retry-After honoured.")
    max_answer_bytes: int = Field(2_000_000, gt=0, description="Refuse answers larger than this.")


class ContextSettings(_Section):
    max_tokens: int = Field(24_000, gt=0, description="Token budget for workspace context.")
    max_file_bytes: int = Field(200_000, gt=0, description="Larger files are never sent.")
    max_tree_entries: int = Field(2_000, ge=0, description="File-tree lines in the prompt.")
    exclude: tuple[str, ...] = Field((), description="Extra gitignore-style patterns to keep out.")
    redact_secrets: bool = True
    project_rules: bool = Field(
        True, description="Send AGENTS.md, CLAUDE.md and .github/copilot-instructions.md."
    )


class AgentSettings(_Section):
    paths: tuple[str, ...] = Field((), description="Extra folders searched for agent files.")
    default: str = "backend-developer"


class ProvenanceSettings(_Section):
    enabled: bool = True
    state_dir: str | None = Field(None, description="Ledger folder; default $XDG_STATE_HOME.")
    max_runs: int = Field(500, gt=0, description="Older runs expire.")
    code_lens: bool = True
    review_hints: bool = Field(
        False,
        description="Mark generated hunks not yet kept with a hint-level diagnostic, so "
        "editors without code lens can jump between them.",
    )
    transcripts: int = Field(
        50, ge=0, description="How many run transcripts (prompt and answer) to keep; 0: none."
    )


class LocalModelSettings(_Section):
    idle_timeout: float = Field(600.0, gt=0, description="Stop the local model when idle.")
    threads: int | None = Field(None, ge=1)
    context_size: int = Field(8192, ge=512)


FailurePolicy = Literal["refuse", "confirm", "apply"]


class ChecksSettings(_Section):
    on_failure: FailurePolicy = Field(
        "refuse",
        description="When checks still fail after the last repair round: refuse (apply "
        "nothing), confirm (ask the user where the editor can), or apply with a warning.",
    )
    commands: tuple[tuple[str, ...], ...] = Field(
        (),
        description="Project checks run on a shadow copy with the change: argv lists, or "
        "strings split like a shell would (none is started). A repository's .agentls.yaml "
        "may set them only in a trusted workspace.",
    )
    timeout: float = Field(120.0, gt=0, description="Seconds one project check may run.")
    max_output: int = Field(4_000, ge=200, description="Output characters sent to the model.")

    @field_validator("commands", mode="before")
    @classmethod
    def _split_strings(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return [shlex.split(item) if isinstance(item, str) else item for item in value]
        return value


class Settings(_Section):
    provider: ProviderName | None = Field(None, description="None: pick from the keys found.")
    model: str | None = None
    base_url: str | None = None
    api_key_env: str | None = Field(None, description="Name of the env var holding the key.")
    temperature: float | None = Field(None, ge=0, le=2)
    max_tokens: int | None = Field(None, gt=0, description="Answer token limit.")
    context_window: int | None = Field(
        None, ge=512, description="The model's window in tokens; None: ask its server."
    )
    edit_format: EditFormat = "auto"
    prompt: PromptProfileSetting = Field(
        "auto",
        description="full: the agent prompt with format rules and an example; "
        "lean: short rules, selection-only answers (small models); auto: by model size.",
    )
    confirm_edits: bool = Field(False, description="Ask the editor to confirm each edit.")
    plans_dir: str = Field(
        "docs/plans",
        description="Where a planner agent (role: plan) writes its plans, relative to the "
        "workspace root; 'Implement plan with …' is offered on markdown files there.",
    )
    repair_rounds: int = Field(
        2, ge=0, le=5, description="Rounds in which failed edits and checks go back to the model."
    )
    sensitive_paths: tuple[str, ...] = Field(
        (), description="Extra gitignore-style globs whose edits always need the user's yes."
    )
    allow_sensitive_edits: bool = Field(
        False, description="Apply sensitive-file edits in editors that cannot ask (user only)."
    )
    trusted_workspaces: tuple[str, ...] = Field(
        (), description="Folders whose .agentls.yaml may set checks.commands (user only)."
    )
    workspace_trusted: bool = Field(
        False, description="The editor trusts this workspace (VS Code workspace trust)."
    )
    log_level: Literal["error", "warning", "info", "debug"] = "info"
    http: HttpSettings = HttpSettings()
    context: ContextSettings = ContextSettings()
    agents: AgentSettings = AgentSettings()
    provenance: ProvenanceSettings = ProvenanceSettings()
    local: LocalModelSettings = LocalModelSettings()
    checks: ChecksSettings = ChecksSettings()
