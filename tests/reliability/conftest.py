"""Fixtures for the reliability suite: the e2e workspace, fake model and server env."""

from __future__ import annotations

from tests.e2e.conftest import env, workspace

# fake_model comes from tests/conftest.py
__all__ = ["env", "workspace"]
