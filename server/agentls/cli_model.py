"""`agentls model pull | path`: fetch the default local model, or print where it lives."""

from __future__ import annotations

import argparse
import sys

from agentls.models_cache import DEFAULT_MODEL, ModelCacheError, model_path, pull_model


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def main(args: argparse.Namespace) -> int:
    if args.action == "path":
        print(model_path())
        return 0
    try:
        path = pull_model(DEFAULT_MODEL, say=_say)
    except ModelCacheError as error:
        print(f"agentls: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0
