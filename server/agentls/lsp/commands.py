"""Reading `workspace/executeCommand` arguments, the same way for every command.

Clients pass a command's one argument as ``arguments=[arg]``; some (VS Code's
`command:` links, older Neovim setups) wrap it once more in a list. A range arrives
as plain JSON ``{start: {line, character}, end: {line, character}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types


def first_argument(args: tuple[Any, ...]) -> Any:
    """The command's one argument, unwrapped from a list if a client wrapped it."""
    first = args[0] if args else None
    if isinstance(first, list | tuple):
        first = first[0] if first else None
    return first


def object_argument(args: tuple[Any, ...]) -> Mapping[str, Any]:
    """The command's one argument as an object; {} when it is not one."""
    first = first_argument(args)
    return first if isinstance(first, Mapping) else {}


def parse_range(raw: Any) -> types.Range | None:
    """A JSON range as an LSP Range; None when it does not look like one."""
    try:
        start, end = raw["start"], raw["end"]
        return types.Range(
            types.Position(int(start["line"]), int(start["character"])),
            types.Position(int(end["line"]), int(end["character"])),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None
