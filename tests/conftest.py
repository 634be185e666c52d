"""Fixtures shared by every suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fake_model import FakeModel


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    """The scripted model server on 127.0.0.1, stopped after the test."""
    with FakeModel() as fake:
        yield fake
