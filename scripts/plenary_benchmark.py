"""How heavy a forum plenary refresh is with a big room: 2,000 answers of 4,000 characters in each free-text box.

Prints what Streamlit sends the browser for one plenary page (all of it, and the part inside the refreshing
fragment, which is what every 5-second refresh sends again), and how long the work behind a refresh takes on this
machine: the database's sums, a whole run of the page in AppTest (median of several), and the CPU time. With
--browser it also serves the app, opens the plenary in Debian's chromium and counts the websocket bytes and the
refreshes that arrive over 30 seconds.

    python scripts/plenary_benchmark.py                  # 2,000 answers x 4,000 characters
    python scripts/plenary_benchmark.py --browser        # and the same measured in a real browser
    python scripts/plenary_benchmark.py --answers 200    # a smaller room

Figures vary with the machine; tests/app/test_plenary_size.py asserts the byte limit (a size, not a timing).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the repository is not installed

from forum.models import (
    BARRIERS,
    MATURITY_DOMAINS,
    ROLES,
    FacilitatorCredentials,
    RoleCount,
    TableAnswer,
)
from forum.store import (
    ForumStore,
    compute_submission_row,
    open_forum_store,
    read_database_url,
    submission_barriers,
    submissions,
)
from forum.validation import validate_table_answer

REFRESH_LIMIT_BYTES = 200_000
PASSCODE = "plenary-benchmark"
FACILITATOR = FacilitatorCredentials(PASSCODE, PASSCODE, "plenary-benchmark")
STPS = {"QMJ": "North Central London", "QMF": "North East London", "QRV": "North West London",
        "QKK": "South East London", "QWE": "South West London"}
TABLES_PER_STP = 8
WORDS = ("practice", "network", "shared", "records", "workforce", "estates", "patients", "funding", "time", "plan")


@dataclass(frozen=True)
class SentBytes:
    """What one run of the plenary page sent: every delta message, and those inside the refreshing fragment."""

    page: int
    fragment: int
    messages: int


def fill_event(store: ForumStore, *, answers: int, chars: int) -> str:
    """A new event with `answers` answers spread over 40 tables, every free-text box `chars` long; its plenary token.

    The answers are checked like any other, then written in one transaction (thousands of separate submits would
    time the disk, not the plenary).
    """
    event = store.create_event("Benchmark forum", dt.date(2019, 3, 14), credentials=FACILITATOR)
    links = [store.issue_table_link(event.id, code, stp_choices=STPS, label=f"Table {n}", credentials=FACILITATOR)
             for code in STPS for n in range(1, TABLES_PER_STP + 1)]
    rows, chosen = [], []
    now = dt.datetime.now(dt.UTC)
    for number in range(answers):
        text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(chars // 5))
        text = f"{number}: {text}"[:chars].ljust(chars, ".")
        answer = validate_table_answer(TableAnswer(
            scores={d.code: 1 + (number + i) % 5 for i, d in enumerate(MATURITY_DOMAINS)},
            vision={role.code: RoleCount(4, 2, 1) for role in ROLES},
            barriers=tuple(b.code for b in BARRIERS[number % 3::3]), barrier_text=text, next_steps=text))
        rows.append({**compute_submission_row(links[number % len(links)], answer, f"benchmark-{number}", now),
                     "id": number + 1})
        chosen += [{"submission_id": number + 1, "barrier_code": code} for code in answer.barriers]
    with store.engine.begin() as connection:
        connection.execute(submissions.insert(), rows)
        connection.execute(submission_barriers.insert(), chosen)
    return event.plenary_token


def open_big_store(folder: Path, *, answers: int, chars: int) -> tuple[ForumStore, str]:
    store = ForumStore(read_database_url({"ATSCALE_FORUM_DIR": str(folder)}))
    return store, fill_event(store, answers=answers, chars=chars)


@contextmanager
def counting_sent_bytes():
    """Count the serialized size of every message Streamlit queues for the browser while the block runs."""
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

    counted: list[tuple[int, bool]] = []
    original = ForwardMsgQueue.enqueue

    def enqueue(self, msg):
        if msg.WhichOneof("type") == "delta":
            counted.append((msg.ByteSize(), bool(msg.delta.fragment_id)))
        return original(self, msg)

    ForwardMsgQueue.enqueue = enqueue
    try:
        yield counted
    finally:
        ForwardMsgQueue.enqueue = original


def run_plenary_page(plenary_token: str):
    """One new session's run of the plenary page, as its link opens it (AppTest)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["plenary"] = plenary_token
    at.switch_page("app_pages/forum_plenary.py").run()
    return at


def measure_plenary_bytes(plenary_token: str) -> SentBytes:
    """What the plenary page sends in one run; `fragment` is what each automatic refresh sends again."""
    with counting_sent_bytes() as counted:
        at = run_plenary_page(plenary_token)
    if at.exception:
        raise RuntimeError(f"the plenary page failed: {[e.value for e in at.exception]}")
    return SentBytes(sum(size for size, _ in counted), sum(size for size, inside in counted if inside), len(counted))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_in_browser(forum_dir: Path, plenary_token: str, seconds: int) -> dict:
    """Serve the app, open the plenary in chromium, and count websocket frames and bytes for `seconds`."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "ATSCALE_FORUM_DIR": str(forum_dir)}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.address", "127.0.0.1", "--server.port", str(port),
                               "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            frames: list[tuple[float, int]] = []
            page.on("websocket", lambda socket_: socket_.on(
                "framereceived", lambda payload: frames.append((time.perf_counter(), len(payload)))))
            deadline = time.time() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/forum_plenary?plenary={plenary_token}", timeout=120_000)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.5)
            page.get_by_text("Answers received").first.wait_for(timeout=120_000)
            page.wait_for_timeout(2_000)
            start = time.perf_counter()
            first_load = sum(size for _, size in frames)
            page.wait_for_timeout(seconds * 1000)
            window = [(moment, size) for moment, size in frames if moment >= start]
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    # A refresh is a burst of frames; bursts are at least a second apart (the fragment runs every 5 s).
    bursts: list[int] = []
    last = None
    for moment, size in window:
        if last is None or moment - last > 1.0:
            bursts.append(0)
        bursts[-1] += size
        last = moment
    return {"first_load_bytes": first_load, "refreshes": len(bursts), "bytes_per_refresh": bursts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5, help="page runs to time (median)")
    parser.add_argument("--browser", action="store_true", help="also measure in chromium against a real server")
    parser.add_argument("--seconds", type=int, default=30, help="how long the browser watches the refreshes")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "forum"
        os.environ["ATSCALE_FORUM_DIR"] = str(folder)
        os.environ.pop("ATSCALE_DATABASE_URL", None)
        os.environ["ATSCALE_FACILITATOR_PASSCODE"] = PASSCODE
        started = time.perf_counter()
        store, token = open_big_store(folder, answers=arguments.answers, chars=arguments.chars)
        print(f"{arguments.answers:,} answers of {arguments.chars:,} characters in each free-text box "
              f"(saved in {time.perf_counter() - started:.1f} s)")
        summary_ms, version_ms = [], []
        event_id = store.open_plenary(token).id
        for _ in range(20):
            began = time.perf_counter()
            store.read_plenary_summary(event_id)
            summary_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            store.read_plenary_version(event_id)
            version_ms.append((time.perf_counter() - began) * 1000)
        store.dispose()
        sent = measure_plenary_bytes(token)  # also warms the caches
        page_ms, page_cpu_ms = [], []
        for _ in range(arguments.runs):
            began, cpu = time.perf_counter(), time.process_time()
            run_plenary_page(token)
            page_ms.append((time.perf_counter() - began) * 1000)
            page_cpu_ms.append((time.process_time() - cpu) * 1000)
        print(f"Sent to the browser by one run of the plenary page: {sent.page:,} bytes in {sent.messages} messages "
              f"(limit {REFRESH_LIMIT_BYTES:,})")
        print(f"  of which inside the refreshing fragment (sent again every refresh): {sent.fragment:,} bytes")
        print(f"Database sums after a new answer: median {statistics.median(summary_ms):.1f} ms "
              f"(max {max(summary_ms):.1f} ms, 20 runs); a refresh with nothing new only checks the count: median "
              f"{statistics.median(version_ms):.2f} ms")
        print(f"Whole plenary page run (AppTest, new session): median {statistics.median(page_ms):.0f} ms, "
              f"CPU {statistics.median(page_cpu_ms):.0f} ms ({arguments.runs} runs)")
        if arguments.browser:
            opened = open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(folder)}))
            opened.dispose()
            seen = measure_in_browser(folder, token, arguments.seconds)
            refreshes = seen["bytes_per_refresh"]
            print(f"Browser: first load {seen['first_load_bytes']:,} websocket bytes; {seen['refreshes']} refreshes in "
                  f"{arguments.seconds} s; bytes per refresh: median "
                  f"{int(statistics.median(refreshes)) if refreshes else 0:,}, max {max(refreshes, default=0):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
