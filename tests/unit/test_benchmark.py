"""scripts/benchmark.py runs end to end in --quick mode and reports every page beside the reference page.

Its timings are not asserted: they depend on the machine and on what else it is doing.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "benchmark.py"
PAGES = sorted((ROOT / "app_pages").glob("*.py"))


def test_quick_benchmark_prints_a_row_for_every_page_and_the_reference(tmp_path):
    written = tmp_path / "benchmark.md"
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--england-dir", str(tmp_path / "england"),
         "--markdown", str(written)],
        cwd=tmp_path, capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    table = completed.stdout
    assert written.read_text(encoding="utf-8").strip() == table.strip()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    for measure in ("Cold start: new process", "Peak memory"):
        summary = next(row for row in rows if row.startswith(f"| {measure}"))
        cells = [cell.strip() for cell in summary.strip("|").split("|")]
        assert all(cell.replace(",", "").replace(".", "").isdigit() for cell in cells[1:3]), summary
    references = [row for row in rows if row.startswith("| Reference: two plain plotly charts")]
    assert len(references) == 2  # one per dataset: London and England
    for reference in references:
        median = reference.split("|")[3].strip()
        assert median.replace(",", "").isdigit(), reference
    for page in PAGES:
        page_rows = [row for row in rows if f"({page.name})" in row]
        assert len(page_rows) == 2, (page.name, table)
    assert_no_error_rows(table)


def assert_no_error_rows(table: str) -> None:
    """A page (or a dataset) that failed is reported as an error row instead of timings: that fails the test."""
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    errors = [row for row in rows if "error" in row.lower()]
    assert not errors, "\n".join(errors)
    for row in rows:
        if ".py) |" in row:  # a page's row: its median is a number
            median = row.split("|")[3].strip()
            assert median.replace(",", "").isdigit(), row


def test_an_error_row_fails_the_benchmark_test():
    good = "| London overview (overview.py) | `indicator` | 26 | 35 | 27 | 144 | 2.9× |"
    assert_no_error_rows(good)
    for bad in ("| London overview (overview.py) | `indicator` | error: KeyError: 'x' |  |  |  |  |",
                "| Cold start: new process, default page (s) | error | 1.80 |  |"):
        try:
            assert_no_error_rows(f"{good}\n{bad}")
        except AssertionError:
            continue
        raise AssertionError(f"an error row was not caught: {bad}")


def test_the_england_data_are_written_once_and_then_reused(tmp_path):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import benchmark
    finally:
        sys.path.remove(str(SCRIPT.parent))
    folder = tmp_path / "england"
    benchmark.ensure_england_data(folder, practices=1000)
    practices = folder / "practices.csv"
    assert len(practices.read_text(encoding="utf-8").splitlines()) == 1001
    before = practices.stat().st_mtime_ns
    benchmark.ensure_england_data(folder, practices=1000)
    assert practices.stat().st_mtime_ns == before
