"""agentls benchmarks: `python -m bench` (full run, writes docs/benchmarks.md) or
`python -m bench --smoke` (tiny sizes, checks only that every benchmark still runs).

Code map: `__main__` (command line), `cases_*` (one module per group of measurements),
`lspclient` (a lean stdio LSP client for timing), `servers` (agentls and its peers),
`workspaces` (synthetic repositories), `timed_fake` (the scripted model with
timestamps), `stats`, `report` (markdown and the SVG plot).
"""
