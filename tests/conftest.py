"""Shared fixtures: the shared data folder, skipped with a reason when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.config import shared_data_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder (``CIRCULAROPT_DATA`` or ``../shared``); skips if absent."""
    path = shared_data_dir(required=False)
    if path is None:
        pytest.skip("shared data folder not found: set CIRCULAROPT_DATA to run this test")
    return path
