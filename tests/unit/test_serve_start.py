"""`agentls serve` starts without argparse and with garbage collection paused until the
initialize reply is out; any other command line still goes through the parser."""

from __future__ import annotations

import gc
from typing import Any

import pytest

import agentls.lsp.server
from agentls import cli
from agentls.lsp.server import create_server
from agentls.lsp.session import resume_gc


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_serve(**kwargs: Any) -> int:
        calls.append({**kwargs, "gc_enabled": gc.isenabled()})
        gc.enable()
        return 0

    monkeypatch.setattr(agentls.lsp.server, "serve", fake_serve)
    return calls


@pytest.mark.parametrize("argv", [["serve"], ["serve", "--stdio"]])
def test_the_editors_command_skips_the_parser(
    served: list[dict[str, Any]], argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("parser built"))
    assert cli.main(argv) == 0
    assert served == [
        {
            "tcp": False,
            "host": "127.0.0.1",
            "port": 2087,
            "log_file": None,
            "gc_paused": True,
            "gc_enabled": False,
        }
    ]


def test_other_serve_options_go_through_the_parser(served: list[dict[str, Any]]) -> None:
    assert cli.main(["serve", "--tcp", "--port", "9000", "--log-file", "x.log"]) == 0
    assert served[0] | {"gc_enabled": None} == {
        "tcp": True,
        "host": "127.0.0.1",
        "port": 9000,
        "log_file": "x.log",
        "gc_paused": True,
        "gc_enabled": None,
    }


def test_collection_resumes_once_and_only_when_paused_by_serve() -> None:
    server = create_server()
    try:
        gc.disable()
        resume_gc(server)  # not paused by serve(): someone else's choice stands
        assert not gc.isenabled()
        server.gc_paused = True
        resume_gc(server)
        assert gc.isenabled() and not server.gc_paused
    finally:
        gc.enable()
