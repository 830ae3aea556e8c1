"""Shared test paths: the repository root and the fixture folders, as pytest fixtures.

Use the fixtures (or `Path(__file__).resolve().parents[2]` at module level); don't write
`from conftest import ...`, which picks up whichever conftest.py pytest imported last.
"""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# Plain `pytest` (unlike `python -m pytest`) does not put the repository on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def small_dir() -> Path:
    """4 practices, 3 PCNs, 3 boroughs, 2 STPs, with its own config.yaml."""
    return FIXTURES / "small"


@pytest.fixture
def broken_dir() -> Path:
    """One thing wrong per data folder or config file; see broken/README.md."""
    return FIXTURES / "broken"


@pytest.fixture(autouse=True)
def forum_store_in_tmp(tmp_path, monkeypatch):
    """Pages that open the forum store write into the test's own folder, never into the repository."""
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)
