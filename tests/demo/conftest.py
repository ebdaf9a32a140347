"""Fixtures of the demo tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def empty_cache(db):
    """Rate limits live in the real cache (Redis or the database): start with none used."""
    cache.clear()
    yield
    cache.clear()
