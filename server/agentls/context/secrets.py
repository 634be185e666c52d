"""Keep secrets out of prompts: secret-looking files are never sent, and key-like
strings in what is sent become `[REDACTED]`.

Example env files (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`) are not
secret files: they document which variables exist, which helps the model. Like every
file sent, they are redacted first, so a real value pasted there still does not leave.

`redact` has two kinds of rules:
- token shapes that are unambiguous anywhere (`sk-…`, `AKIA…`, `ghp_…`, PEM blocks, …)
  and the literal values of the process's own API-key variables;
- assignments to a key that ends in a secret word (`db_password`, `client_secret`,
  `auth_token`, `api_key`, …). In config-like files (`.env`, `.ini`, `.toml`, `.yaml`,
  `.json`, …) any long value is redacted. Elsewhere (code, or no path given) only a
  quoted literal of 12+ characters with a digit or symbol is, because there the same
  shape is usually ordinary code (`token = request.headers[...]`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from agentls.context.ignore import compile_patterns

REDACTED = "[REDACTED]"
MIN_SECRET_VALUE_LENGTH = 6  # shorter env values would redact ordinary words

# Secret files, matched on the file name (case-insensitive, fnmatch-style).
SECRET_NAME_PATTERNS = (
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.keystore",
    "*.jks",
    "*.kdbx",
    "*.tfvars",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    "credentials*",
    "*credentials*.json",
    "secrets.*",
)
EXAMPLE_ENV_NAMES = frozenset({".env.example", ".env.sample", ".env.template", ".env.dist"})
SECRET_DIRS = frozenset({".aws", ".ssh"})  # everything below them
SECRET_DIR_FILES = frozenset({(".docker", "config.json")})
_SECRET_NAME = re.compile("|".join(fnmatch.translate(p) for p in SECRET_NAME_PATTERNS))

API_KEY_ENV_VARS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")

_CONFIG_SUFFIXES = frozenset(
    {".env", ".ini", ".cfg", ".conf", ".config", ".properties", ".toml", ".yaml", ".yml", ".json"}
)
_CONFIG_NAMES = frozenset({".env", ".npmrc", ".pypirc", ".netrc", "dockerfile"})

# Unambiguous token shapes, replaced whole. Every repeatable part is anchored at a token
# start or bounded, so hostile files (`a.a.a…`, `sk-sk-…`) cost linear time, not minutes.
_TOKEN_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # PEM private keys, whole block.
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"
        r"[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----",
        # OpenAI sk-…, sk-proj-…, Anthropic sk-ant-…: long, with at least one digit.
        r"(?<![A-Za-z0-9_-])sk-(?=[A-Za-z0-9_-]{0,256}?\d)[A-Za-z0-9_-]{20,}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bgh[pousr]_[A-Za-z0-9]{30,}\b",
        r"\bgithub_pat_[A-Za-z0-9_]{30,}\b",
        r"(?<![A-Za-z0-9-])xox[baprs]-[A-Za-z0-9-]{10,}",
        r"\bAIza[0-9A-Za-z_-]{35}",
        r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}\b",
        # JWT: header.payload.signature, both JSON parts base64url of "{".
        r"\beyJ[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    )
)
# Only the value group is replaced.
_VALUE_PATTERNS = (
    re.compile(r"(?i)(\baws_secret_access_key\b[\"']?\s*[:=]\s*[\"']?)([A-Za-z0-9/+=]{30,})"),
    # Password in a URL: scheme://user:PASSWORD@host
    re.compile(r"((?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}://[^:/\s@]{1,256}:)([^@\s/]{3,256})(?=@)"),
)
_ASSIGNMENT = re.compile(
    r"""(?ix)
    ((?<![\w.-])[\w.-]{0,64}?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key
      |secret[_-]?key|private[_-]?key)
     ["']?\s*[:=]\s*)                  # a key ending in a secret word, and separator
    (["']?)                              # optional quote
    ([^\s"'#;,]{8,})                     # the value
    \2
    """
)
# Keys that name a secret's variable, file or size rather than hold it.
_NOT_A_SECRET_KEY = re.compile(r"[_.-](?:env|var|file|path|url|uri|name|length|len|count|size)$")
_CODE_LITERAL = re.compile(r"[0-9!@#$%^&*+/=~]")  # a secret literal in code is not just words
_PLACEHOLDER = re.compile(r"^(?:\$\{.*\}|\$\w+|<.*>|%\(.*\)s?|\{\{.*\}\})$")


def is_secret_path(rel_path: str, exclude: Sequence[str] = ()) -> bool:
    """Whether a workspace-relative POSIX path is a secret file (never sent).

    `exclude` adds gitignore-style patterns (settings.context.exclude)."""
    parts = rel_path.split("/")
    name = parts[-1].lower()
    if name not in EXAMPLE_ENV_NAMES and _SECRET_NAME.match(name):
        return True
    if any(part in SECRET_DIRS for part in parts[:-1]):
        return True
    if len(parts) > 1 and (parts[-2], parts[-1]) in SECRET_DIR_FILES:
        return True
    return bool(exclude) and compile_patterns(exclude).match_file(rel_path)


def secret_values_from_env(
    env: Mapping[str, str], api_key_env: str | None = None
) -> tuple[str, ...]:
    """Values of the API-key variables this process holds, to redact wherever they appear."""
    names = [*API_KEY_ENV_VARS, *([api_key_env] if api_key_env else [])]
    values = {env.get(name, "").strip() for name in names}
    return tuple(sorted(v for v in values if len(v) >= MIN_SECRET_VALUE_LENGTH))


def is_config_like(rel_path: str) -> bool:
    path = PurePosixPath(rel_path)
    name = path.name.lower()
    return (
        name in _CONFIG_NAMES or name.startswith(".env") or path.suffix.lower() in _CONFIG_SUFFIXES
    )


def redact(
    text: str, secret_values: Iterable[str] = (), *, path: str | None = None
) -> tuple[str, int]:
    """(text with secrets replaced by `[REDACTED]`, number of replacements)."""
    text, count = redact_values(text, secret_values)
    for pattern in _TOKEN_PATTERNS:
        text, hits = pattern.subn(REDACTED, text)
        count += hits
    for pattern in _VALUE_PATTERNS:
        text, hits = pattern.subn(lambda m: m.group(1) + REDACTED, text)
        count += hits
    config = path is not None and is_config_like(path)
    replaced: list[int] = []

    def replace(match: re.Match[str]) -> str:
        key_part, quote, value = match.group(1), match.group(2), match.group(3)
        if not _looks_like_secret_value(key_part, value):
            return match.group(0)
        if not config and not (quote and _CODE_LITERAL.search(value) and len(value) >= 12):
            return match.group(0)
        replaced.append(1)
        return f"{key_part}{quote}{REDACTED}{quote}"

    text = _ASSIGNMENT.sub(replace, text)
    return text, count + len(replaced)


def redact_values(text: str, secret_values: Iterable[str]) -> tuple[str, int]:
    """Replace only the given literal values (the process's own API keys)."""
    count = 0
    values = {v for v in secret_values if len(v) >= MIN_SECRET_VALUE_LENGTH}
    for value in sorted(values, key=len, reverse=True):  # longest first: no partial leftovers
        hits = text.count(value)
        if hits:
            text = text.replace(value, REDACTED)
            count += hits
    return text, count


def _looks_like_secret_value(key_part: str, value: str) -> bool:
    key = re.split(r"[\s:=\"']", key_part.strip(), maxsplit=1)[0].lower()
    return not (
        REDACTED in value
        or value.isdigit()
        or "://" in value
        or _PLACEHOLDER.match(value)
        or _NOT_A_SECRET_KEY.search(key)
    )
