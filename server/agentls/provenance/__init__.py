"""Provenance of generated code: which run wrote which span, and why. No LSP types.

- `model`: RunRecord, Region, TextChange (code-point offsets, workspace-relative paths).
- `tracking`: move regions through text changes (incremental or full sync).
- `anchor`: find a region again by content (exact text, then fuzzy lines).
- `ledger`: Ledger, the in-memory records and regions of one workspace.
- `store`: JSON file under $XDG_STATE_HOME, atomic writes, corrupt files set aside.
- `render`: hover text (Markdown or plain).
- `service`: ProvenanceService, which the language server feeds with editor events.
"""
