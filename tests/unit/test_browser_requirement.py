"""tests/conftest.py: a missing browser part skips a test and says why, unless ATSCALE_REQUIRE_BROWSER=1 (set by
.ci/run), which makes it a failure: CI cannot pass by skipping every browser test."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEEDS_A_BROWSER = '''
def test_needs_a_browser(browser_part_missing):
    browser_part_missing("Debian chromium is not installed at /nowhere/chromium")
'''


def run_pytest(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_needs_a_browser.py").write_text(NEEDS_A_BROWSER, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "ATSCALE_REQUIRE_BROWSER"} | environment
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-rsf", "-p", "no:cacheprovider",
                           "test_needs_a_browser.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_missing_browser_part_skips_and_says_why(tmp_path):
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 skipped" in result.stdout
    assert "Debian chromium is not installed at /nowhere/chromium" in result.stdout


def test_with_atscale_require_browser_a_missing_part_fails(tmp_path):
    result = run_pytest(tmp_path, ATSCALE_REQUIRE_BROWSER="1")
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
    assert "ATSCALE_REQUIRE_BROWSER=1: the browser tests must run here" in result.stdout


def test_ci_sets_the_requirement_before_running_pytest():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.index("export ATSCALE_REQUIRE_BROWSER=1") < script.rindex("\npytest")
