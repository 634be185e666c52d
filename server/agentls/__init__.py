"""agentls: coding agents as LSP code actions."""

__version__ = "0.1.0"
