"""The quality bench: how often a real local model's change is correct through agentls,
against a naive one-message baseline. `python -m bench.quality --help`."""
