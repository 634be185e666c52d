"""Command line: `agentls serve | agents | run | transcript | undo | doctor | model`.

Each subcommand's module is imported only when chosen, so `serve` starts fast. The
editors' own command, `agentls serve` (with or without `--stdio`), does not even build
the parser: argparse and the help formatter it sets up for every option cost 15-25 ms of
the server's start-up, a third of what agentls adds to the bare pygls floor.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from agentls import __version__

if TYPE_CHECKING:
    import argparse

_HOST, _PORT = "127.0.0.1", 2087


def _serve(args: argparse.Namespace) -> int:
    return _serve_with(tcp=args.tcp, host=args.host, port=args.port, log_file=args.log_file)


def _serve_with(
    *, tcp: bool = False, host: str = _HOST, port: int = _PORT, log_file: str | None = None
) -> int:
    import gc

    # Importing lsprotocol and pygls and building the server create ~50k objects; a full
    # collection among them cost 40-55 ms of every start-up (the bare pygls server stays
    # just under the threshold). Collection resumes once the initialize reply is out.
    gc.disable()
    from agentls.lsp.server import serve

    return serve(tcp=tcp, host=host, port=port, log_file=log_file, gc_paused=True)


def _agents(args: argparse.Namespace) -> int:
    from agentls.cli_agents import main as agents_main

    return agents_main(args)


def _run(args: argparse.Namespace) -> int:
    from agentls.cli_run import main as run_main

    return run_main(args)


def _transcript(args: argparse.Namespace) -> int:
    from agentls.cli_transcript import main as transcript_main

    return transcript_main(args)


def _undo(args: argparse.Namespace) -> int:
    from agentls.cli_undo import main as undo_main

    return undo_main(args)


def _doctor(args: argparse.Namespace) -> int:
    from agentls.cli_doctor import main as doctor_main

    return doctor_main(args)


def _model(args: argparse.Namespace) -> int:
    from agentls.cli_model import main as model_main

    return model_main(args)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="agentls", description=__doc__)
    parser.add_argument("--version", action="version", version=f"agentls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="speak LSP (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    serve.add_argument("--tcp", action="store_true", help="listen on a TCP socket")
    serve.add_argument("--host", default=_HOST)
    serve.add_argument("--port", type=int, default=_PORT)
    serve.add_argument("--log-file", default=None, help="also write the log here")
    serve.set_defaults(handler=_serve)

    agents = sub.add_parser("agents", help="list the agents found and where each came from")
    agents.add_argument("--workspace", default=".", help="workspace folder (default: .)")
    agents.add_argument("--json", action="store_true")
    agents.set_defaults(handler=_agents)

    run = sub.add_parser("run", help="run an agent headless and print (or --apply) its change")
    run.add_argument("instruction", nargs="?", default="")
    run.add_argument("--workspace", default=".")
    run.add_argument("--agent", default=None)
    run.add_argument("--file", default=None, help="PATH or PATH:START-END (1-based lines)")
    run.add_argument("--scope", choices=("selection", "workspace"), default=None)
    run.add_argument("--apply", action="store_true")
    run.add_argument(
        "--continue",
        dest="continues",
        default=None,
        metavar="RUN_ID",
        help="go on with that run's conversation: refine its change, or answer its question",
    )
    run.add_argument("--json", action="store_true")
    run.add_argument(
        "--transcript",
        action="store_true",
        help="also print what was sent to the model and its raw answer (stderr; in --json "
        "a `transcript` field)",
    )
    run.set_defaults(handler=_run)

    transcript = sub.add_parser("transcript", help="print a kept run transcript (the last run's)")
    transcript.add_argument("run_id", nargs="?", default=None, metavar="RUN_ID")
    transcript.set_defaults(handler=_transcript)

    undo = sub.add_parser(
        "undo", help="put back what a run wrote (on disk), where it was not edited since"
    )
    undo.add_argument("run_id", metavar="RUN_ID")
    undo.add_argument("--workspace", default=".")
    undo.add_argument("--json", action="store_true")
    undo.set_defaults(handler=_undo)

    doctor = sub.add_parser("doctor", help="check config, agents, provider, key and model")
    doctor.add_argument("--workspace", default=".")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(handler=_doctor)

    model = sub.add_parser("model", help="manage the embedded local model")
    model.add_argument("action", choices=("pull", "path"))
    model.set_defaults(handler=_model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    if words[:1] == ["serve"] and set(words[1:]) <= {"--stdio"}:
        return _serve_with()  # the defaults of the `serve` parser below
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.handler(args))
