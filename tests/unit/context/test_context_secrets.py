"""Secret files are recognised; every redaction pattern fires; ordinary code is left alone."""

from __future__ import annotations

import pytest

from agentls.context.secrets import (
    REDACTED,
    is_config_like,
    is_secret_path,
    redact,
    secret_values_from_env,
)

SECRET_PATHS = [
    ".env",
    "app/.env",
    ".env.local",
    ".env.production",
    "deploy/prod.env",
    ".envrc",
    "certs/server.pem",
    "tls.key",
    "store.p12",
    "store.pfx",
    "android/release.keystore",
    "java/trust.jks",
    "home/id_rsa",
    "id_rsa.pub",
    "id_dsa",
    "id_ecdsa",
    "keys/id_ed25519",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    "credentials",
    "config/credentials.yml.enc",
    "gcp-service-credentials.json",
    "secrets.yaml",
    "config/secrets.json",
    "prod.tfvars",
    ".aws/config",
    "home/.aws/credentials",
    ".ssh/known_hosts",
    ".docker/config.json",
    "vault.kdbx",
    "Secrets.YAML",
]
PLAIN_PATHS = [
    ".env.example",
    ".env.sample",
    ".env.template",
    "config/.env.dist",
    "src/environment.ts",
    "envelope.py",
    "app/main.py",
    "keyboard.py",
    "monkey.py",
    "docs/secrets-management.md",
    "config.json",
    "docker/config.json",
    "src/tokens.py",
    "README.md",
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_secret_paths(path: str) -> None:
    assert is_secret_path(path)


@pytest.mark.parametrize("path", PLAIN_PATHS)
def test_plain_paths(path: str) -> None:
    assert not is_secret_path(path)


def test_extra_exclude_patterns() -> None:
    assert is_secret_path("data/customers.csv", ("data/*.csv",))
    assert not is_secret_path("data/customers.csv")


# (text, what must disappear, path); None path means "unknown: treat as code".
REDACTED_CASES = [
    ("key = 'sk-abcdefghijklmnopqrstuvwxyz0123456789'", "sk-abcdefghij", "a.py"),
    ("OPENAI_API_KEY=sk-proj-Abc123_def456-ghi789JKL012mno", "sk-proj-Abc", "a.py"),
    ("k: sk-ant-api03-AbCdEf123456_ghIJkl-789012345678", "sk-ant-api03", "a.py"),
    ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "a.py"),
    ("id = 'ASIAY34FZKBOKMUTVV7A'", "ASIAY34FZKBOKMUTVV7A", "a.py"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI",
        "a.py",
    ),
    ("t = 'ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'", "ghp_a1B2", "a.py"),
    ("t = 'gho_" + "16C7e42F292c6912E7710c838347Ae178B4a'", "gho_16C7", "a.py"),
    ("t = 'ghs_" + "16C7e42F292c6912E7710c838347Ae178B4a'", "ghs_16C7", "a.py"),
    ("t = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'", "github_pat_", "a.py"),
    ("SLACK = 'xoxb-1234567890-abcdefghijkl'", "xoxb-1234567890", "a.py"),
    ("SLACK = 'xoxp-1234567890-abcdefghijkl'", "xoxp-1234567890", "a.py"),
    ("g = 'AIzaSyA1234567890abcdefghijklmnopqrstuv'", "AIzaSyA123", "a.py"),
    ("s = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'", "sk_live_4eC", "a.py"),
    ("s = 'rk_live_4eC39HqLyjWDarjtT1zdp7dc'", "rk_live_4eC", "a.py"),
    (
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9"
        ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "eyJhbGciOiJIUzI1NiJ9",
        "a.py",
    ),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA",
        "a.py",
    ),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXk",
        "a.py",
    ),
    ("DATABASE_URL=postgres://app:hunter2pw@db:5432/app", "hunter2pw", "a.py"),
    ("DB_PASSWORD=correct-horse-battery", "correct-horse", ".env.example"),
    ("password: 'Tr0ub4dor&3xyz'", "Tr0ub4dor", "config/settings.yaml"),
    ('"client_secret": "abcd1234efgh5678"', "abcd1234efgh", None),
    ("api_key = zyxwvut98765", "zyxwvut98765", "settings.ini"),
    ('{"db": {"password": "plainwords"}}', "plainwords", "appsettings.json"),
    ("SECRET_KEY = 'django-insecure-8x!k2m@q'", "django-insecure", "proj/settings.py"),
    ('const authToken = "a1b2c3d4e5f6g7h8";', "a1b2c3d4e5f6", "src/client.ts"),
    ("[auth]\ntoken = qwertyuiop123\n", "qwertyuiop123", "app.toml"),
]


@pytest.mark.parametrize(("text", "gone", "path"), REDACTED_CASES)
def test_each_pattern_is_redacted(text: str, gone: str, path: str | None) -> None:
    redacted, count = redact(text, path=path)
    assert gone not in redacted
    assert REDACTED in redacted
    assert count == 1


def test_own_api_key_values_are_redacted_anywhere() -> None:
    env = {
        "OPENAI_API_KEY": "plain-local-key-42",
        "MY_KEY": "other-value-7",
        "ANTHROPIC_API_KEY": "",
    }
    values = secret_values_from_env(env, "MY_KEY")
    assert values == ("other-value-7", "plain-local-key-42")
    text = "a plain-local-key-42 b other-value-7 c plain-local-key-42"
    assert redact(text, values, path="notes.md") == (
        f"a {REDACTED} b {REDACTED} c {REDACTED}",
        3,
    )


def test_short_env_values_are_not_used() -> None:
    assert secret_values_from_env({"OPENAI_API_KEY": "x"}) == ()
    assert redact("x marks the spot", ["x"]) == ("x marks the spot", 0)


ORDINARY_CODE = """\
import os
from app.auth import create_token, verify_password

SECRET_KEY = os.environ["SECRET_KEY"]
API_KEY_ENV = "OPENAI_API_KEY"
max_tokens = 24000
token_url = "https://example.com/oauth/token"


def login(request, password_hash):
    token = request.headers.get("Authorization")
    password = request.form["password"]
    if not verify_password(password, password_hash):
        raise PermissionError("bad password")
    return create_token(user_id=request.user.id, secret=SECRET_KEY)


def skip_first(items):
    runner = "sk-learn-classifier-pipeline"  # not a key: no digits
    return items[1:]
"""

ORDINARY_CONFIG = """\
[tool.agentls]
api_key_env = "MY_OPENAI_KEY"
password_min_length = 12
token_url = "https://example.com/token"
secret: ${DB_SECRET}
password: <set me>
max_tokens: 100000000
tokenizer: gpt2-tokenizer-v1
"""


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (ORDINARY_CODE, "app/views.py"),
        (ORDINARY_CODE, "src/login.ts"),
        (ORDINARY_CODE, None),
        (ORDINARY_CONFIG, "pyproject.toml"),
        (ORDINARY_CONFIG, "config.yaml"),
    ],
)
def test_no_false_positives(text: str, path: str | None) -> None:
    assert redact(text, path=path) == (text, 0)


@pytest.mark.parametrize(
    ("line", "code_hits", "config_hits"),
    [
        ("db_password = s3cretvalue99\n", 0, 1),  # unquoted: code would be an expression
        ('db_password = "plainwordsonly"\n', 0, 1),  # a quoted word is not a code secret
        ('db_password = "short1"\n', 0, 0),  # too short anywhere
        ('db_password = "s3cret-value-99"\n', 1, 1),
    ],
)
def test_assignment_rule_is_stricter_outside_config_files(
    line: str, code_hits: int, config_hits: int
) -> None:
    assert redact(line, path="app/settings.py")[1] == code_hits
    assert redact(line)[1] == code_hits
    assert redact(line, path="app/settings.cfg")[1] == config_hits


@pytest.mark.parametrize(
    ("path", "expected"),
    [(".env", True), (".env.local", True), ("a.toml", True), ("Dockerfile", True), ("a.py", False)],
)
def test_config_like(path: str, expected: bool) -> None:
    assert is_config_like(path) is expected


def test_counts_every_replacement() -> None:
    text = "AKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPL2 sk-" + "a" * 20 + "1"
    assert redact(text, path="x.py") == (f"{REDACTED} {REDACTED} {REDACTED}", 3)
