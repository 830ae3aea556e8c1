"""run.py, the one entry point the README gives a newcomer: each job runs what it says, unknown jobs are named."""
import os
import re
import subprocess
import sys
from pathlib import Path

import run

ROOT = Path(__file__).resolve().parents[2]


def run_py(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *arguments], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_help_lists_every_job():
    shown = run_py("--help")
    assert shown.returncode == 0
    for job in ("app", "room", "test", "import", "real-data", "demo-data", "benchmark", "loadtest"):
        assert f"  {job} " in shown.stdout


def test_every_job_points_at_a_script_or_module_that_exists():
    for name, job in run.JOBS.items():
        target = job.command[0]
        assert target == "-m" or (ROOT / target).is_file(), name


def test_arguments_are_passed_on_to_the_job():
    assert run.build_command("test", ["tests/unit", "-x"])[-3:] == ["pytest", "tests/unit", "-x"]
    assert run.build_command("room", [])[-2:] == ["--server.address", "0.0.0.0"]


def test_the_import_job_reaches_the_importer():
    shown = run_py("import", "--help")
    assert shown.returncode == 0
    assert "--out" in shown.stdout


def test_an_unknown_job_is_named_with_the_list_of_jobs():
    shown = run_py("serve")
    assert shown.returncode == 2
    assert "there is no job 'serve'" in shown.stderr
    assert "loadtest" in shown.stderr


def test_pytest_ends_with_counts_and_says_why_tests_were_skipped():
    """What a newcomer sees after `pytest` without a test database: the counts, and each skip reason once."""
    env = {key: value for key, value in os.environ.items() if key != "ATSCALE_TEST_DATABASE_URL"}
    shown = subprocess.run([sys.executable, "run.py", "test", "tests/unit/test_forum_store.py", "-k",
                            "postgres or double"], check=False, cwd=ROOT, capture_output=True, text=True,
                           timeout=300, env=env)
    assert shown.returncode == 0, shown.stdout[-2000:]
    assert "why tests were skipped" in shown.stdout
    assert "skipped: ATSCALE_TEST_DATABASE_URL is not set" in shown.stdout
    assert re.search(r"\d+ passed, \d+ skipped", shown.stdout.splitlines()[-1])
