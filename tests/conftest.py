"""Shared test paths: the repository root and the fixture folders, as pytest fixtures.

Use the fixtures (or `Path(__file__).resolve().parents[2]` at module level); don't write
`from conftest import ...`, which picks up whichever conftest.py pytest imported last.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ENGLAND_PRACTICES = 1500  # enough for 42 systems and 200 places, quick to load in every AppTest
REQUIRE_BROWSER_SETTING = "ATSCALE_REQUIRE_BROWSER"  # .ci/run sets it to 1: CI never passes by skipping the browser

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


@pytest.fixture(scope="session")
def england_dir(tmp_path_factory) -> Path:
    """The England-scale illustrative data (E92000001 England, 42 STPs, 200 CCG areas), written once per session
    by the demo-data script into a temporary folder."""
    folder = tmp_path_factory.mktemp("england") / "data"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_data.py"), "--scale", "england",
                    "--practices", str(ENGLAND_PRACTICES), "--out", str(folder)],
                   check=True, capture_output=True, text=True, timeout=600)
    return folder


@pytest.fixture(autouse=True)
def illustrative_data_by_default(monkeypatch):
    """Tests name their data folder: the illustrative demo data unless a test sets ATSCALE_DATA_DIR itself (or
    deletes it, to test the app's own default, the real data)."""
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))


@pytest.fixture(autouse=True)
def forum_store_in_tmp(tmp_path, monkeypatch):
    """Pages that open the forum store write into the test's own folder, never into the repository."""
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)


def skip_or_fail_for_missing_browser_part(reason: str) -> None:
    """A missing chromium, Playwright or axe-core skips the test, saying why in one line; with
    ATSCALE_REQUIRE_BROWSER=1 it fails it instead."""
    if os.environ.get(REQUIRE_BROWSER_SETTING) == "1":
        pytest.fail(f"{reason} ({REQUIRE_BROWSER_SETTING}=1: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_part_missing():
    """skip_or_fail_for_missing_browser_part, for tests and fixtures (call it with the reason)."""
    return skip_or_fail_for_missing_browser_part
