"""What the model sees: relevance order, budget, skipped files, open documents, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentls.config import ContextSettings
from agentls.context.gather import (
    ContextBundle,
    gather_context,
    imported_by,
    is_doc,
    is_manifest,
    named_in,
    render_tree,
)
from agentls.context.index import WorkspaceIndex
from agentls.engine.model import DocumentSnapshot, Scope

SMALL_APP: dict[str, str | bytes] = {
    "README.md": "# Todo service\nSpec: REST API for todos.\n",
    "docs/api.md": "GET /todos returns a list.\n",
    "pyproject.toml": "[project]\nname = 'todo'\n",
    "requirements.txt": "fastapi\n",
    "schema.sql": "create table todo (id int);\n",
    "app/__init__.py": "",
    "app/main.py": "from app import models\nfrom .db import connect\n# TODO: add /health\n",
    "app/models.py": "class Todo:\n    pass\n",
    "app/db.py": "def connect():\n    return None\n",
    "app/helpers.py": "def helper():\n    return 1\n",
    "lib/util.py": "def util():\n    return 2\n",
    "lib/big_module.py": "x = 1\n" * 300,
    "assets/logo.dat.txt": b"\x00\x01binary pretending to be text",
    "legacy/latin1.txt": "caf\xe9\n".encode("latin-1"),
    ".env": "OPENAI_API_KEY=sk-proj-notsentnotsentnotsent1234\n",
    "config/settings.yaml": "db:\n  password: hunter2hunter2\n",
}


def make_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def snapshot(root: Path, rel: str, text: str | None = None) -> DocumentSnapshot:
    return DocumentSnapshot(rel, text if text is not None else (root / rel).read_text(), 1)


def gather(
    root: Path,
    *,
    scope: Scope = "workspace",
    document: str | None = "app/main.py",
    instruction: str = "",
    open_documents: dict[str, DocumentSnapshot] | None = None,
    secret_values: tuple[str, ...] = (),
    **settings: object,
) -> ContextBundle:
    context = ContextSettings.model_validate(settings)
    return gather_context(
        index=WorkspaceIndex(root, context),
        scope=scope,
        document=snapshot(root, document) if document else None,
        selection=(0, 0),
        instruction=instruction,
        open_documents=open_documents or {},
        settings=context,
        secret_values=secret_values,
    )


@pytest.fixture
def app(tmp_path: Path) -> Path:
    make_tree(tmp_path, SMALL_APP)
    return tmp_path


def paths(bundle: ContextBundle) -> list[str]:
    return [f.path for f in bundle.files]


def test_small_workspace_sends_every_text_file_in_relevance_order(app: Path) -> None:
    bundle = gather(app, instruction="wire models into the API")
    assert [(f.path, f.reason) for f in bundle.files] == [
        ("app/main.py", "document"),
        ("app/models.py", "named in the instruction"),
        ("README.md", "docs"),
        ("docs/api.md", "docs"),
        ("pyproject.toml", "manifest"),
        ("requirements.txt", "manifest"),
        ("schema.sql", "manifest"),
        ("app/__init__.py", "imported"),
        ("app/db.py", "imported"),
        ("app/helpers.py", "neighbour"),
        ("lib/util.py", "workspace"),
        ("config/settings.yaml", "workspace"),
        ("lib/big_module.py", "workspace"),
    ]
    assert sorted(bundle.omitted) == ["assets/logo.dat.txt", "legacy/latin1.txt"]


def test_secret_files_are_never_sent_and_values_are_redacted(app: Path) -> None:
    bundle = gather(app)
    assert ".env" not in paths(bundle) and ".env" not in bundle.tree
    settings_file = next(f for f in bundle.files if f.path == "config/settings.yaml")
    assert "hunter2" not in settings_file.text
    assert bundle.redactions == 1


def test_redaction_can_be_turned_off_except_for_own_keys(app: Path) -> None:
    make_tree(app, {"notes.md": "my key is local-key-123456\n"})
    bundle = gather(app, redact_secrets=False, secret_values=("local-key-123456",))
    texts = {f.path: f.text for f in bundle.files}
    assert "hunter2hunter2" in texts["config/settings.yaml"]
    assert texts["notes.md"] == "my key is [REDACTED]\n"
    assert bundle.redactions == 1


def test_selection_scope_sends_document_and_a_few_related_files(app: Path) -> None:
    bundle = gather(app, scope="selection", instruction="see helpers")
    assert [(f.path, f.reason) for f in bundle.files] == [
        ("app/main.py", "document"),
        ("app/helpers.py", "named in the instruction"),
        ("app/__init__.py", "imported"),
        ("app/models.py", "imported"),
        ("app/db.py", "imported"),
    ]
    assert "README.md" in bundle.tree.splitlines()


def test_selection_scope_related_files_stay_within_their_share(app: Path) -> None:
    # 100 tokens = 400 chars; a quarter (100 chars) is enough for one small file only.
    bundle = gather(app, scope="selection", max_tokens=100, max_tree_entries=0)
    assert paths(bundle)[0] == "app/main.py"
    related = bundle.files[1:]
    assert sum(len(f.text) + 40 for f in related) <= 100
    assert bundle.omitted


@pytest.mark.parametrize("max_tokens", [60, 120, 250, 500])
def test_token_budget_is_respected(app: Path, max_tokens: int) -> None:
    bundle = gather(app, max_tokens=max_tokens)
    document_cost = len(bundle.files[0].text) + 40
    assert bundle.estimated_tokens * 4 <= max(max_tokens * 4, document_cost + len(bundle.tree)) + 3
    assert paths(bundle)[0] == "app/main.py"


def test_budget_keeps_the_most_relevant_files(app: Path) -> None:
    bundle = gather(app, max_tokens=120, max_tree_entries=0)
    assert paths(bundle)[:3] == ["app/main.py", "README.md", "docs/api.md"]
    assert "lib/big_module.py" not in paths(bundle)
    assert "app/helpers.py" in bundle.omitted


def test_document_is_sent_even_over_budget(app: Path) -> None:
    bundle = gather(app, document="lib/big_module.py", max_tokens=10, max_tree_entries=0)
    assert paths(bundle) == ["lib/big_module.py"]


def test_open_document_text_is_preferred_over_disk(app: Path) -> None:
    unsaved = DocumentSnapshot("app/models.py", "class Todo:\n    done: bool\n", 7)
    bundle = gather(app, open_documents={"app/models.py": unsaved})
    models = next(f for f in bundle.files if f.path == "app/models.py")
    assert models.text == unsaved.text


def test_open_documents_outside_the_index_are_not_read(app: Path) -> None:
    leaked = DocumentSnapshot(".env", "OPENAI_API_KEY=zzz\n", 3)
    bundle = gather(app, open_documents={".env": leaked})
    assert ".env" not in paths(bundle)


def test_huge_files_are_skipped(app: Path) -> None:
    bundle = gather(app, max_file_bytes=1000)
    assert "lib/big_module.py" not in paths(bundle)
    assert "lib/big_module.py" in bundle.omitted


def test_without_a_document(app: Path) -> None:
    bundle = gather(app, document=None, instruction="update schema.sql")
    assert [(f.path, f.reason) for f in bundle.files[:2]] == [
        ("schema.sql", "named in the instruction"),
        ("README.md", "docs"),
    ]


def test_tree_is_bounded(app: Path) -> None:
    bundle = gather(app, max_tree_entries=3)
    lines = bundle.tree.splitlines()
    assert lines[:3] == ["README.md", "app/__init__.py", "app/db.py"]
    assert lines[3].endswith("more files")


def test_render_tree_limits_characters() -> None:
    files = [f"dir/file_{i}.py" for i in range(100)]
    tree = render_tree(files, 1000, 50)
    assert len(tree.splitlines()) == 4
    assert tree.endswith("… and 97 more files")
    assert render_tree(files[:2], 10, 1000) == "dir/file_0.py\ndir/file_1.py"


FILES = ["app/models.py", "app/main.py", "app/db/__init__.py", "web/src/api.ts",
         "web/src/lib/index.ts", "pkg/models.py", "a/utils.py", "b/utils.py",
         "c/utils.py", "d/utils.py", "docs/guide.md", "src/core/engine.py"]  # fmt: skip


@pytest.mark.parametrize(
    ("instruction", "expected"),
    [
        ("edit app/models.py please", ["app/models.py"]),
        ("touch models.py", ["app/models.py", "pkg/models.py"]),
        ("the models need a field", ["app/models.py", "pkg/models.py"]),
        ("fix utils", []),  # stem shared by too many files
        ("see guide.md.", ["docs/guide.md"]),
        ("add a health endpoint", []),
    ],
)
def test_named_in(instruction: str, expected: list[str]) -> None:
    assert named_in(instruction, FILES) == expected


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("app/main.py", "from app import models\n", ["app/models.py"]),
        ("app/main.py", "from . import db\n", ["app/db/__init__.py"]),
        ("app/main.py", "import app.models as m\n", ["app/models.py"]),
        ("app/main.py", "from app.models import (\n    Todo,\n)\n", ["app/models.py"]),
        ("web/src/app.ts", "import { get } from './api';\n", ["web/src/api.ts"]),
        ("web/src/app.ts", "const lib = require('./lib')\n", ["web/src/lib/index.ts"]),
        ("web/src/app.ts", "import React from 'react'\n", []),
        ("pkg/main.py", "from .models import Todo\n", ["pkg/models.py"]),
        ("tool.py", "import core.engine\n", ["src/core/engine.py"]),
    ],
)
def test_imported_by(path: str, text: str, expected: list[str]) -> None:
    assert imported_by(DocumentSnapshot(path, text, 1), FILES) == expected


@pytest.mark.parametrize(
    ("path", "doc", "manifest"),
    [
        ("README.md", True, False),
        ("docs/guide.md", True, False),
        ("SPEC.txt", True, False),
        ("openapi.yaml", False, True),
        ("app/notes.md", False, False),
        ("requirements-dev.txt", False, True),
        ("Dockerfile", False, True),
        ("db/schema.sql", False, True),
        ("app/main.py", False, False),
    ],
)
def test_doc_and_manifest_kinds(path: str, doc: bool, manifest: bool) -> None:
    assert (is_doc(path), is_manifest(path)) == (doc, manifest)
