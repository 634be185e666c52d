"""Settings layers: precedence, coercion, per-field validation, and refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from agentls.settings_loader import ConfigProblem, LoadedSettings, load_settings


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def load(
    tmp_path: Path,
    *,
    user: str | None = None,
    workspace: str | None = None,
    editor: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    workspace_name: str = ".agentls.yaml",
) -> LoadedSettings:
    home = tmp_path / "home"
    root = tmp_path / "ws"
    root.mkdir(exist_ok=True)
    if user is not None:
        write(home / ".config" / "agentls" / "config.yaml", user)
    if workspace is not None:
        write(root / workspace_name, workspace)
    return load_settings(
        workspace_root=root, editor_settings=editor, env={"HOME": str(home), **(env or {})}
    )


def rendered(loaded: LoadedSettings) -> list[str]:
    return [p.render() for p in loaded.problems]


# (layers present, expected model, expected source)
PRECEDENCE = [
    ({}, None, "default"),
    ({"user": "model: u"}, "u", "~/.config/agentls/config.yaml"),
    ({"user": "model: u", "workspace": "model: w"}, "w", ".agentls.yaml"),
    (
        {"user": "model: u", "workspace": "model: w", "editor": {"model": "e"}},
        "e",
        "editor settings",
    ),
    (
        {
            "user": "model: u",
            "workspace": "model: w",
            "editor": {"model": "e"},
            "env": {"AGENTLS_MODEL": "x"},
        },
        "x",
        "env AGENTLS_MODEL",
    ),
    ({"user": "model: u", "env": {"AGENTLS_MODEL": "x"}}, "x", "env AGENTLS_MODEL"),
    ({"workspace": "model: w", "editor": {"temperature": 0.1}}, "w", ".agentls.yaml"),
]


@pytest.mark.parametrize(("layers", "model", "source"), PRECEDENCE)
def test_each_layer_overrides_the_ones_below(
    tmp_path: Path, layers: dict[str, Any], model: str | None, source: str
) -> None:
    loaded = load(tmp_path, **layers)
    assert loaded.settings.model == model
    assert loaded.sources["model"] == source
    assert loaded.problems == ()


def test_nested_sections_deep_merge_across_layers(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        user="http:\n  read_timeout: 5\n  connect_timeout: 2\n",
        workspace="http:\n  read_timeout: 7\n",
        env={"AGENTLS_HTTP__MAX_ATTEMPTS": "4"},
    )
    http = loaded.settings.http
    assert (http.read_timeout, http.connect_timeout, http.max_attempts) == (7.0, 2.0, 4)
    assert loaded.sources["http.connect_timeout"] == "~/.config/agentls/config.yaml"
    assert loaded.sources["http.read_timeout"] == ".agentls.yaml"
    assert loaded.sources["http.max_attempts"] == "env AGENTLS_HTTP__MAX_ATTEMPTS"
    assert loaded.sources["http.backoff_initial"] == "default"


def test_xdg_config_home_wins_over_home(tmp_path: Path) -> None:
    write(tmp_path / "xdg" / "agentls" / "config.yaml", "provider: ollama\n")
    loaded = load(
        tmp_path, user="provider: anthropic", env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    )
    assert loaded.settings.provider == "ollama"


def test_yml_extension_is_accepted(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="edit_format: udiff\n", workspace_name=".agentls.yml")
    assert loaded.settings.edit_format == "udiff"


@pytest.mark.parametrize("wrapped", [True, False])
def test_editor_settings_accept_camel_case_and_the_agentls_section(wrapped: bool) -> None:
    inner = {
        "baseUrl": "http://127.0.0.1:8080/v1",
        "apiKeyEnv": "MY_KEY",
        "maxTokens": 512,
        "editFormat": "search-replace",
        "confirmEdits": True,
        "http": {"readTimeout": 9, "maxAttempts": 2},
        "context": {"maxFileBytes": 1000, "exclude": ["*.log"]},
    }
    loaded = load_settings(
        workspace_root=None,
        editor_settings={"agentls": inner} if wrapped else inner,
        env={"HOME": "/nonexistent"},
    )
    s = loaded.settings
    assert s.base_url == "http://127.0.0.1:8080/v1"
    assert (s.api_key_env, s.max_tokens, s.edit_format, s.confirm_edits) == (
        "MY_KEY",
        512,
        "search-replace",
        True,
    )
    assert (s.http.read_timeout, s.http.max_attempts) == (9.0, 2)
    assert (s.context.max_file_bytes, s.context.exclude) == (1000, ("*.log",))
    assert loaded.problems == ()


ENV_COERCION = [
    ("AGENTLS_PROVIDER", "anthropic", lambda s: s.provider, "anthropic"),
    ("AGENTLS_BASE_URL", "http://h/v1", lambda s: s.base_url, "http://h/v1"),
    ("AGENTLS_API_KEY_ENV", "K", lambda s: s.api_key_env, "K"),
    ("AGENTLS_TEMPERATURE", "0.25", lambda s: s.temperature, 0.25),
    ("AGENTLS_LOG_LEVEL", "debug", lambda s: s.log_level, "debug"),
    ("AGENTLS_EDIT_FORMAT", "whole", lambda s: s.edit_format, "whole"),
    ("AGENTLS_MAX_TOKENS", "300", lambda s: s.max_tokens, 300),
    ("AGENTLS_CONFIRM_EDITS", "true", lambda s: s.confirm_edits, True),
    ("AGENTLS_HTTP__READ_TIMEOUT", "1.5", lambda s: s.http.read_timeout, 1.5),
    ("AGENTLS_CONTEXT__REDACT_SECRETS", "false", lambda s: s.context.redact_secrets, False),
    ("AGENTLS_CONTEXT__EXCLUDE", "a/**, *.csv", lambda s: s.context.exclude, ("a/**", "*.csv")),
    ("AGENTLS_AGENTS__PATHS", "x,y", lambda s: s.agents.paths, ("x", "y")),
    ("AGENTLS_LOCAL__THREADS", "2", lambda s: s.local.threads, 2),
]


@pytest.mark.parametrize(("name", "raw", "read", "expected"), ENV_COERCION)
def test_env_values_are_coerced(
    tmp_path: Path, name: str, raw: str, read: Any, expected: Any
) -> None:
    loaded = load(tmp_path, env={name: raw})
    assert read(loaded.settings) == expected
    assert loaded.problems == ()


def test_empty_env_value_means_unset(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="model: w", env={"AGENTLS_MODEL": ""})
    assert loaded.settings.model == "w"


def test_invalid_field_is_dropped_and_siblings_still_apply(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        workspace="model: m\nhttp:\n  read_timeout: 0\n  connect_timeout: 4\ntemperature: 9\n",
    )
    s = loaded.settings
    assert (s.model, s.http.connect_timeout) == ("m", 4.0)
    assert (s.http.read_timeout, s.temperature) == (120.0, None)
    assert rendered(loaded) == [
        "`.agentls.yaml`: http.read_timeout: Input should be greater than 0 — using the default",
        "`.agentls.yaml`: temperature: Input should be less than or equal to 2 — using the default",
    ]


def test_invalid_field_keeps_the_lower_layers_value(tmp_path: Path) -> None:
    loaded = load(tmp_path, user="provider: ollama", editor={"provider": "gpt"})
    assert loaded.settings.provider == "ollama"
    [problem] = loaded.problems
    assert problem.source == "editor settings"
    assert problem.field == "provider"
    assert problem.render().endswith("keeping the value from ~/.config/agentls/config.yaml")


def test_invalid_env_value_is_named(tmp_path: Path) -> None:
    loaded = load(tmp_path, env={"AGENTLS_HTTP__MAX_ATTEMPTS": "many"})
    assert loaded.settings.http.max_attempts == 3
    assert [(p.source, p.field) for p in loaded.problems] == [
        ("env AGENTLS_HTTP__MAX_ATTEMPTS", "http.max_attempts")
    ]


def test_section_given_a_scalar_is_a_problem(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="http: 5\nmodel: m\n")
    assert loaded.settings.model == "m"
    assert [p.field for p in loaded.problems] == ["http"]


@pytest.mark.parametrize(
    "text", ["model: [unclosed\n", "model: m\n  bad: indent\n", "- a list\n", "just text"]
)
def test_broken_yaml_skips_that_file_only(tmp_path: Path, text: str) -> None:
    loaded = load(tmp_path, user="model: from-user\n", workspace=text)
    assert loaded.settings.model == "from-user"
    [problem] = loaded.problems
    assert problem.source == ".agentls.yaml"
    assert problem.severity == "error"
    assert "file ignored" in problem.render()


def test_empty_file_is_fine(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="")
    assert loaded.problems == ()


def test_unknown_keys_are_warnings(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="foo: 1\nhttp:\n  bar: 2\nmodel: m\n")
    assert loaded.settings.model == "m"
    assert [(p.severity, p.field) for p in loaded.problems] == [
        ("warning", "foo"),
        ("warning", "http.bar"),
    ]
    assert rendered(loaded)[0] == "`.agentls.yaml`: foo: unknown setting `foo` — ignored"


@pytest.mark.parametrize("key", ["api_key", "apiKey", "openai_api_key", "anthropicApiKey", "token"])
def test_api_keys_in_files_and_editor_settings_are_refused(tmp_path: Path, key: str) -> None:
    loaded = load(
        tmp_path,
        workspace=f"{key}: sk-secret\nmodel: m\n",
        editor={"http": {key: "x"}},
    )
    assert loaded.settings.model == "m"
    assert "sk-secret" not in repr(loaded.settings)
    assert [p.source for p in loaded.problems] == [".agentls.yaml", "editor settings"]
    for problem in loaded.problems:
        assert "environment variable" in problem.message


def test_both_workspace_files_warns_and_uses_yaml(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write(root / ".agentls.yml", "model: yml\n")
    loaded = load(tmp_path, workspace="model: yaml\n")
    assert loaded.settings.model == "yaml"
    assert [(p.source, p.severity) for p in loaded.problems] == [(".agentls.yml", "warning")]


def test_editor_section_that_is_not_an_object(tmp_path: Path) -> None:
    loaded = load(tmp_path, editor={"agentls": "oops"})
    assert [p.source for p in loaded.problems] == ["editor settings"]


def test_result_is_immutable(tmp_path: Path) -> None:
    loaded = load(tmp_path)
    with pytest.raises(ValidationError):
        loaded.settings.model = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        loaded.sources["model"] = "x"  # type: ignore[index]
    assert isinstance(loaded.problems, tuple)


def test_problem_render_without_field() -> None:
    problem = ConfigProblem("x.yaml", "", "invalid YAML", consequence="file ignored")
    assert problem.render() == "`x.yaml`: invalid YAML — file ignored"


def test_env_vars_that_are_not_settings_are_left_alone(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        env={"AGENTLS_TEST_DIR": "/tmp", "AGENTLS_NVIM": "nvim", "AGENTLS_HTTP__TYPO": "1"},
    )
    assert [(p.source, p.severity) for p in loaded.problems] == [
        ("env AGENTLS_HTTP__TYPO", "warning")
    ]


def test_api_key_in_agentls_env_points_to_the_real_variables(tmp_path: Path) -> None:
    loaded = load(tmp_path, env={"AGENTLS_API_KEY": "sk-x"})
    [problem] = loaded.problems
    assert problem.source == "env AGENTLS_API_KEY"
    assert "OPENAI_API_KEY" in problem.message


def test_null_and_blank_editor_values_mean_not_set(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        workspace="model: w\ntemperature: 0.3\nhttp:\n  read_timeout: 5\n",
        editor={"model": "", "temperature": None, "http": {"readTimeout": None}},
    )
    s = loaded.settings
    assert (s.model, s.temperature, s.http.read_timeout) == ("w", 0.3, 5.0)
    assert loaded.problems == ()


@pytest.mark.parametrize(
    ("workspace", "field"),
    [
        ("api_key_env: GITHUB_TOKEN\n", "api_key_env"),
        ("provenance:\n  state_dir: /tmp/elsewhere\n", "provenance.state_dir"),
        ("context:\n  redact_secrets: false\n", "context.redact_secrets"),
        ("agents:\n  paths: [../../outside]\n", "agents.paths"),
    ],
)
def test_a_workspace_file_cannot_choose_where_secrets_or_writes_go(
    tmp_path: Path, workspace: str, field: str
) -> None:
    loaded = load(tmp_path, workspace=workspace)
    assert loaded.sources[field] == "default"
    [problem] = loaded.problems
    assert (problem.source, problem.field, problem.severity) == (".agentls.yaml", field, "warning")
    assert "user config" in problem.render()


def test_the_user_may_set_what_a_workspace_may_not(tmp_path: Path) -> None:
    loaded = load(tmp_path, user="api_key_env: MY_KEY\nbase_url: https://proxy.example/v1\n")
    assert loaded.settings.api_key_env == "MY_KEY"
    assert not loaded.endpoint_from_workspace
    assert loaded.problems == ()


def test_a_workspace_chosen_endpoint_is_marked_keyless(tmp_path: Path) -> None:
    loaded = load(tmp_path, workspace="base_url: http://team-llm.internal:8080/v1\n")
    assert loaded.settings.base_url == "http://team-llm.internal:8080/v1"
    assert loaded.endpoint_from_workspace
