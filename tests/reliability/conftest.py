"""Fixtures for the reliability suite: the e2e workspace, fake model and server env."""

from __future__ import annotations

from tests.e2e.conftest import env, fake_model, workspace

__all__ = ["env", "fake_model", "workspace"]
