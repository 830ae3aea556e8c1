"""scripts/loadtest.py drives a real server over Streamlit's websocket protocol: a few sessions of every kind
complete with no error rows and every acknowledged table answer is stored; an app that shows errors fails it.

Timings are printed by the script, never asserted here: they depend on the machine and on what else it is doing.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "loadtest.py"


def run_load_test(tmp_path: Path, *options: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    written = tmp_path / "loadtest.json"
    completed = subprocess.run([sys.executable, str(SCRIPT), *options, "--json", str(written)], cwd=tmp_path,
                               env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600,
                               check=False)
    assert written.exists(), completed.stdout[-2000:] + completed.stderr[-2000:]
    return completed, json.loads(written.read_text(encoding="utf-8"))


def test_a_few_sessions_of_every_kind_complete_with_no_error_rows(tmp_path):
    completed, summary = run_load_test(tmp_path, "--dashboard", "2", "--plenary", "1", "--tables", "1",
                                       "--ramp", "1", "--duration", "12", "--think", "2", "--table-every", "5")
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert summary["errors"] == []
    counts = {row["run"]: row["count"] for row in summary["rows"]}
    assert counts["page open"] == 2
    assert counts["page change"] + counts.get("selection change", 0) >= 2
    assert counts["plenary open"] == 1 and counts["plenary refresh"] >= 1
    assert counts["table open"] >= 1 and counts["table submit"] >= 1
    assert summary["acknowledged_answers"] == summary["stored_answers"] == counts["table submit"]
    assert summary["server"]["processes"] == 1 and summary["server"]["cpu_s"] > 0
    assert "error rows: 0" in completed.stdout


def test_an_app_that_shows_errors_gives_error_rows_and_fails(tmp_path):
    broken_config = ROOT / "tests" / "fixtures" / "broken" / "config_invalid_yaml.yaml"
    completed, summary = run_load_test(tmp_path, "--dashboard", "1", "--plenary", "0", "--tables", "0",
                                       "--ramp", "0", "--duration", "1", "--no-warm-up",
                                       env={"ATSCALE_CONFIG": str(broken_config)})
    assert completed.returncode == 1
    assert summary["errors"] and all("error message" in error["detail"] for error in summary["errors"])
    assert f"error rows: {len(summary['errors'])}" in completed.stdout
