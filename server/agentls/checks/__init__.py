"""The check stage: built-in checks of a ChangeSet's new texts, in memory. Plain data, no LSP.

`run_builtin_checks(CheckInput) -> CheckReport` runs every check that applies to the
changed files and keeps only the problems the change *introduces*: each check also runs
on the text before the change (only when the new text has findings), and findings are
matched by message, not line, so a pre-existing problem is never blamed on the model.
The user's files are never written: checks read `FileChange.new_text`/`old_text`, and
`node --check` reads a temporary copy outside the workspace.

`sensitive.py` says which paths run code or change tooling when a folder is opened,
built or pushed; delivery asks the user before such edits.

The package import stays light (pyflakes loads with `agentls.checks.stage`), so the
server starts without it.
"""
