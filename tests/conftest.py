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


REALDATA = ROOT.parent / "shared" / "realdata"
NATIONAL_FILES = ("gp-reg-pat-prac-map_2020-09_england.csv", "gp-reg-pat-prac-all_2021-01_england.csv",
                  "nhs-payments-to-general-practice_2018-19_england.csv", "pcn-workforce_2020-03_england.csv",
                  "fingertips-93553-imd2019_gp-practice_england.csv")


@pytest.fixture(scope="session")
def north_west_dir(tmp_path_factory) -> Path:
    """NHS England's North West region imported by our importer from the shared national files (skips when the
    folder of real files is absent): another region as a user would make it, with CCG areas for places."""
    files = [REALDATA / name for name in NATIONAL_FILES]
    if not all(path.exists() for path in files):
        pytest.skip(f"the real NHS files are not in {REALDATA}")
    folder = tmp_path_factory.mktemp("north_west") / "data"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "import_data.py"), "--region", "North West", "--out",
                    str(folder), *map(str, files)], check=True, capture_output=True, text=True, timeout=600)
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


def pytest_terminal_summary(terminalreporter):
    """Before the counts, why tests were skipped: one line per reason with how many it skipped, so a newcomer
    sees at once what was not tested here (no real data folder, no database URL, no browser, no axe-core)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = " ".join(reason.removeprefix("Skipped: ").split())
        reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        terminalreporter.section("why tests were skipped")
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{count:>4} skipped: {reason}")
