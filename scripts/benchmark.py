"""Time the dashboard without a browser (Streamlit's AppTest), at London and at England scale.

For each dataset it measures, in a process of its own (so caches and memory peaks do not mix):
- cold start: a new process's first run of the default page, loading and checking every input file (the
  median of three processes), and the same after the caches are cleared (what an edited data file costs);
- every page in app_pages/: the median and 90th percentile of warm reruns with the page's main selection
  switched between two values (after each value has been seen once), and the first switch;
- the reference page benchmarks/reference_app.py (two plain plotly charts) in the same process, so each page
  is also given as a ratio to it. Every page is open in its own session and the reruns are taken in rounds
  (each page and the reference once a round), so a slow spell of the machine falls on all of them alike;
- the process's peak memory (resident set size, from getrusage).

    python scripts/benchmark.py                           # London demo data (data/) and England-scale data
    python scripts/benchmark.py --england-dir /tmp/eng    # write the England data there once, then reuse it
    python scripts/benchmark.py --markdown results.md     # also write the Markdown table to a file
    python scripts/benchmark.py --quick                   # a small, fast run (used by the tests)

A page that fails is reported as an error row; the benchmark carries on.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES_DIR = ROOT / "app_pages"
REFERENCE_APP = ROOT / "benchmarks" / "reference_app.py"
LONDON_DIR = ROOT / "data"
SHARED_KEYS = ("stp", "borough", "indicator", "period")
# The selection a user of each page changes most; other pages use their first page-level selectbox with
# two or more options, else the sidebar's indicator.
MAIN_SELECTION = {"overview.py": "indicator", "stp_profile.py": "stp", "borough_explorer.py": "borough",
                  "data_and_indicators.py": "indicator"}
TARGETS = {"london": {"rerun_ms": 100, "cold_s": 2.0}, "england": {"rerun_ms": 250, "cold_s": 6.0, "memory_mb": 500}}
REFERENCE_LABEL = "Reference: two plain plotly charts"
TIMEOUT_S = 300
QUICK_PRACTICES = 1000  # the smallest England that make_demo_data.py writes


@dataclass
class Timing:
    label: str
    selection: str = ""
    first_ms: float | None = None
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # CPU time of the process: less sensitive to other load
    peak_memory_mb: float | None = None  # the process's peak so far, once this page is done (in the JSON only)
    error: str = ""

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def cpu_median_ms(self) -> float | None:
        return statistics.median(self.cpu_ms) if self.cpu_ms else None

    @property
    def p90_ms(self) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


@dataclass
class DatasetResult:
    name: str
    data_dir: str
    practices: int = 0
    cold_start_s: float | None = None  # the median of cold_starts_s
    cold_start_cpu_s: float | None = None
    cold_starts_s: list[float] = field(default_factory=list)  # one a process
    cold_starts_cpu_s: list[float] = field(default_factory=list)
    cold_start_memory_mb: float | None = None
    cold_cleared_s: float | None = None
    peak_memory_mb: float | None = None
    reference: Timing | None = None
    pages: list[Timing] = field(default_factory=list)
    error: str = ""


def page_titles() -> dict[str, str]:
    """File name -> title for every file in app_pages/, in app.py's PAGES order (unregistered files last).

    Titles that name the data's areas (f"{areas.region.name} overview") read generically: "Region overview".
    """
    text = APP.read_text(encoding="utf-8")
    titles = {name: re.sub(r"\{areas\.(\w+)\.\w+\}", lambda match: match[1].capitalize(), title)
              for name, title in re.findall(r'st\.Page\(\s*"app_pages/([\w.]+)"\s*,\s*title=f?"([^"]+)"', text)}
    files = sorted(PAGES_DIR.glob("*.py"), key=lambda page: (list(titles).index(page.name) if page.name in titles
                                                             else len(titles), page.name))
    return {page.name: titles.get(page.name, page.stem.replace("_", " ")) for page in files}


# --- measuring, inside one worker process per dataset ---------------------------------------------------------

def _run_timed(at) -> tuple[float, float]:
    """Run once; (wall-clock ms, CPU ms of the whole process), raising when the page showed an exception."""
    started, cpu = time.perf_counter(), time.process_time()
    at.run()
    elapsed, cpu_elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    if at.exception:
        raise RuntimeError(" ".join(str(e.value) for e in at.exception)[:200])
    return elapsed, cpu_elapsed


def _select_by_position(at, key: str, position: int) -> None:
    """Choose a selectbox option by position, whatever the page's format_func.

    AppTest turns a value into its label with the page's format_func; given the label itself (identity)
    it sends that label, which Streamlit maps back to the page's own value, as a browser would.
    """
    from streamlit.runtime.state.common import TESTING_KEY

    box = at.selectbox(key=key)
    box.root.session_state[TESTING_KEY][box.id] = lambda value: value
    box.set_value(box.options[position])


def _main_selection(at, page_name: str) -> str | None:
    if page_name in MAIN_SELECTION:
        return MAIN_SELECTION[page_name]
    for box in at.selectbox:
        if box.key and box.key not in SHARED_KEYS and len(box.options) >= 2 and not box.disabled:
            return box.key
    return "indicator" if any(box.key == "indicator" for box in at.selectbox) else None


@dataclass
class PageSession:
    """One page open in an AppTest session of its own, switched between two values of its main selection."""
    timing: Timing
    at: object = None
    key: str | None = None
    positions: tuple[int, int] = (0, 0)
    switches: int = 0

    def rerun(self) -> tuple[float, float]:
        """Switch to the other value (a plain rerun when the page has no selection) and time the rerun."""
        if self.key is not None:
            _select_by_position(self.at, self.key, self.positions[self.switches % 2])
            self.switches += 1
        return _run_timed(self.at)


def open_session(label: str, script: Path, page_name: str | None, key: str | None, warmup: int) -> PageSession:
    """Open the page, time its first switch, then switch `warmup` more times untimed (each value seen once)."""
    from streamlit.testing.v1 import AppTest

    session = PageSession(Timing(label))
    try:
        session.at = AppTest.from_file(str(script), default_timeout=TIMEOUT_S)
        _run_timed(session.at)
        if page_name is not None:
            session.at.switch_page(f"app_pages/{page_name}")
            _run_timed(session.at)
            key = _main_selection(session.at, page_name)
        session.key = key
        session.timing.selection = key or "(none: plain rerun)"
        if key is not None:
            start = session.at.selectbox(key=key).index or 0
            session.positions = (1 if start == 0 else 0, start)
            session.timing.first_ms = session.rerun()[0]
        for _ in range(warmup):
            session.rerun()
    except Exception as error:  # noqa: BLE001 - reported as an error row, never a crash
        session.timing.error = f"{type(error).__name__}: {error}"
    session.timing.peak_memory_mb = _peak_memory_mb()
    return session


def time_interleaved(sessions: list[PageSession], runs: int) -> None:
    """`runs` rounds, each rerunning every page once in turn: a slow spell of the machine (another process, a
    busy host) then lands on every page and on the reference alike, not on whichever page was being timed."""
    for _ in range(runs):
        for session in sessions:
            if session.timing.error:
                continue
            try:
                elapsed, cpu = session.rerun()
            except Exception as error:  # noqa: BLE001
                session.timing.error = f"{type(error).__name__}: {error}"
                continue
            session.timing.samples_ms.append(elapsed)
            session.timing.cpu_ms.append(cpu)


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_worker(name: str, data_dir: Path, runs: int, warmup: int, pages: list[str] | None = None, *,
               cold_only: bool = False) -> DatasetResult:
    """All the figures for one dataset (only the cold start when cold_only); run in a fresh process (see main)."""
    from streamlit.testing.v1 import AppTest

    result = DatasetResult(name, str(data_dir))
    practices = data_dir / "practices.csv"
    result.practices = max(0, len(practices.read_text(encoding="utf-8").splitlines()) - 1) if practices.exists() else 0
    try:
        started, cpu = time.perf_counter(), time.process_time()
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        _run_timed(at)
        result.cold_start_s, result.cold_start_cpu_s = time.perf_counter() - started, time.process_time() - cpu
        result.cold_starts_s, result.cold_starts_cpu_s = [result.cold_start_s], [result.cold_start_cpu_s]
        result.cold_start_memory_mb = _peak_memory_mb()
        if cold_only:
            return result

        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
        started = time.perf_counter()
        _run_timed(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S))
        result.cold_cleared_s = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001
        result.error = f"cold start failed: {type(error).__name__}: {error}"

    reference = open_session(REFERENCE_LABEL, REFERENCE_APP, None, "reference_series", warmup)
    sessions = [open_session(f"{label} ({page_name})", APP, page_name, None, warmup)
                for page_name, label in page_titles().items() if pages is None or page_name in pages]
    time_interleaved([reference, *sessions], runs)
    result.reference, result.pages = reference.timing, [session.timing for session in sessions]
    result.peak_memory_mb = _peak_memory_mb()
    return result


# --- orchestrating, in the parent process ---------------------------------------------------------------------

def ensure_england_data(folder: Path, practices: int | None) -> None:
    """Write the England-scale demo data into folder unless it is already there."""
    if (folder / "practices.csv").exists():
        return
    command = [sys.executable, str(ROOT / "scripts" / "make_demo_data.py"), "--scale", "england", "--out", str(folder)]
    if practices:
        command += ["--practices", str(practices)]
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def measure_dataset(name: str, data_dir: Path, runs: int, warmup: int, scratch: Path, pages: list[str] | None,
                    cold_starts: int) -> DatasetResult:
    """One process measuring everything, then more processes timing only the cold start; the cold start
    reported is the median over all of them (a single new process varies by a few tenths of a second)."""
    result = measure_in_subprocess(name, data_dir, runs, warmup, scratch, pages)
    for _ in range(cold_starts - 1):
        extra = measure_in_subprocess(name, data_dir, runs, warmup, scratch, pages, cold_only=True)
        result.cold_starts_s += extra.cold_starts_s
        result.cold_starts_cpu_s += extra.cold_starts_cpu_s
    if result.cold_starts_s:
        result.cold_start_s = statistics.median(result.cold_starts_s)
        result.cold_start_cpu_s = statistics.median(result.cold_starts_cpu_s)
    return result


def measure_in_subprocess(name: str, data_dir: Path, runs: int, warmup: int, scratch: Path,
                          pages: list[str] | None = None, *, cold_only: bool = False) -> DatasetResult:
    result_file = scratch / f"{name}.json"
    env = {**os.environ, "ATSCALE_DATA_DIR": str(data_dir), "ATSCALE_FORUM_DIR": str(scratch / f"forum-{name}"),
           "ATSCALE_FACILITATOR_PASSCODE": "benchmark-only-passcode"}
    env.pop("ATSCALE_DATABASE_URL", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--data-dir", str(data_dir),
               "--runs", str(runs), "--warmup", str(warmup), "--result", str(result_file)]
    if pages is not None:
        command += ["--pages", ",".join(pages)]
    if cold_only:
        command.append("--cold-only")
    completed = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)
    if completed.returncode != 0 or not result_file.exists():
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        return DatasetResult(name, str(data_dir), error=f"the measuring process failed: {tail[0][:200]}")
    return load_result(json.loads(result_file.read_text(encoding="utf-8")))


def load_result(raw: dict) -> DatasetResult:
    result = DatasetResult(**{k: v for k, v in raw.items() if k not in ("reference", "pages")})
    result.reference = Timing(**raw["reference"]) if raw.get("reference") else None
    result.pages = [Timing(**page) for page in raw.get("pages", [])]
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _timing_row(label: str, timing: Timing | None, reference: Timing | None) -> list[str]:
    if timing is None:
        return [label, "", "not measured", "", "", "", ""]
    if timing.error:
        return [label, timing.selection, f"error: {timing.error.replace('|', '/')[:150]}", "", "", "", ""]
    ratio = ""
    if reference is not None and reference.median_ms and timing.median_ms is not None and timing is not reference:
        ratio = f"{timing.median_ms / reference.median_ms:.1f}×"
    return [label, f"`{timing.selection}`" if timing.selection else "", _ms(timing.median_ms), _ms(timing.p90_ms),
            _ms(timing.cpu_median_ms), _ms(timing.first_ms), ratio]


def _table(rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(row) + " |" for row in [rows[0], ["---"] * len(rows[0]), *rows[1:]]]


def _target(name: str, kind: str, unit: str) -> str:
    value = TARGETS.get(name, {}).get(kind)
    return "" if value is None else f"≤ {value:g} {unit}"


def format_markdown(results: list[DatasetResult], *, runs: int) -> str:
    """A summary table (cold start, memory), then one table of warm reruns per dataset."""
    heading = ["Measure", *(f"{r.name.capitalize()} ({r.practices:,} practices)" for r in results)]
    summary = [heading + ["Target"]]
    summary.append(["Cold start: new process, default page (s): median (range)"]
                   + [_cold_starts(r) for r in results]
                   + [", ".join(f"{r.name.capitalize()} {_target(r.name, 'cold_s', 's')}" for r in results
                                if r.name in TARGETS)])
    summary.append(["Cold start: CPU time of that first run (s), median"]
                   + [_seconds(r.cold_start_cpu_s, r.error) for r in results] + [""])
    summary.append(["Cold start: caches cleared, default page (s)"]
                   + [_seconds(r.cold_cleared_s, r.error) for r in results] + [""])
    summary.append(["Peak memory of the process, ru_maxrss (MB)"]
                   + ["error" if r.peak_memory_mb is None else f"{r.peak_memory_mb:,.0f}" for r in results]
                   + [", ".join(f"{r.name.capitalize()} {_target(r.name, 'memory_mb', 'MB')}" for r in results
                                if "memory_mb" in TARGETS.get(r.name, {}))])
    lines = _table(summary)
    for result in results:
        target = TARGETS.get(result.name, {}).get("rerun_ms")
        lines += ["", f"**{result.name.capitalize()}** ({result.practices:,} practices): warm rerun with the main "
                  "selection switched, in ms" + (f"; target ≤ {target} ms median, or ≤ 2× the reference page."
                                                 if target else ".")]
        rows = [["Page", "Selection changed", "Median", "p90", "CPU median", "First switch", "× reference"]]
        rows.append(_timing_row(REFERENCE_LABEL, result.reference, result.reference))
        rows += [_timing_row(page.label, page, result.reference) for page in result.pages]
        if result.error and not result.pages:
            rows.append([f"error: {result.error.replace('|', '/')[:150]}", "", "", "", "", "", ""])
        lines += [""] + _table(rows)
    lines += ["", (f"Each page: {runs} timed reruns with its main selection switched between two values (each "
                   "value shown once before timing), taken in rounds of every page and the reference once; "
                   "\"first switch\" is the first time the second value is shown. CPU is the process's CPU time, "
                   "which other load on the machine changes less than wall-clock time. Each dataset is measured "
                   "in a process of its own.")]
    for result in results:
        if result.error:
            lines.append(f"{result.name}: {result.error}")
    return "\n".join(lines) + "\n"


def _cold_starts(result: DatasetResult) -> str:
    text = _seconds(result.cold_start_s, result.error)
    if len(result.cold_starts_s) > 1:
        runs = result.cold_starts_s
        text += f" ({min(runs):.2f}–{max(runs):.2f}, {len(runs)} processes)"
    return text


def _seconds(value: float | None, error: str) -> str:
    return "error" if value is None and error else "–" if value is None else f"{value:.2f}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time every atscale page at London and England scale (AppTest).")
    parser.add_argument("--london-dir", type=Path, default=LONDON_DIR, help="the London data (default data/)")
    parser.add_argument("--england-dir", type=Path, help="England-scale data; written there if absent "
                        "(default: a temporary folder)")
    parser.add_argument("--skip-england", action="store_true", help="measure the London data only")
    parser.add_argument("--runs", type=int, help="timed reruns per page (default 10, 3 with --quick)")
    parser.add_argument("--warmup", type=int, help="untimed switches before timing (default 1, 0 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a fast check, not a measurement: 2 reruns and a small England ({QUICK_PRACTICES} "
                             "practices) when the England data are written")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table to this file")
    parser.add_argument("--json", type=Path, help="also write the raw figures as JSON")
    parser.add_argument("--pages", type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
                        help="only these files of app_pages/, comma-separated (default: every page)")
    parser.add_argument("--cold-starts", type=int, help="new processes whose cold start is timed; the median is "
                        "reported (default 3, 1 with --quick)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cold-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 2 if args.quick else 10
    if args.warmup is None:
        args.warmup = 0 if args.quick else 1
    if args.cold_starts is None:
        args.cold_starts = 1 if args.quick else 3
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        result = run_worker(args.worker, args.data_dir, args.runs, args.warmup, args.pages, cold_only=args.cold_only)
        args.result.write_text(json.dumps(asdict(result)), encoding="utf-8")
        return 0

    with tempfile.TemporaryDirectory(prefix="atscale-benchmark-") as scratch_name:
        scratch = Path(scratch_name)
        datasets = [("london", args.london_dir)]
        results = []
        if not args.skip_england:
            england_dir = args.england_dir or scratch / "england"
            try:
                ensure_england_data(england_dir, QUICK_PRACTICES if args.quick else None)
                datasets.append(("england", england_dir))
            except subprocess.CalledProcessError as error:
                results.append(DatasetResult("england", str(england_dir), error="the England-scale data could not "
                                             f"be written: {(error.stderr or '').strip()[-200:]}"))
        for name, folder in datasets:
            print(f"Measuring {name} ({folder}) ...", file=sys.stderr, flush=True)
            results.insert(len(results) if name == "england" else 0,
                           measure_dataset(name, folder, args.runs, args.warmup, scratch, args.pages,
                                           args.cold_starts))
    table = format_markdown(results, runs=args.runs)
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
