"""The plain-language summary and glossary on a 375 px phone screen: real `streamlit run`, Debian chromium.

Its own server (port 8621, or a free one if that is taken) and browser, so it runs alone or beside the
general browser suite. Skips cleanly when playwright or /usr/bin/chromium is missing.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from components.summary_views import find_glossary_entries

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 375, "height": 812}
PREFERRED_PORT = 8621
SERVER_START_SECONDS = 60
FIRST_LOAD_MS = 180_000  # the first page fills the server's caches on a busy 2-core machine
PAGE_MS = 60_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
FIRST_SENTENCE = "This page is about family doctors (GPs) and their surgeries in Kensington and Chelsea."


def _port() -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", PREFERRED_PORT))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@pytest.fixture(scope="module")
def phone_browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def phone_server(phone_browser, tmp_path_factory):
    """`streamlit run app.py` on loopback for this module; yields its base URL."""
    work = tmp_path_factory.mktemp("phone_server")
    base_url = f"http://127.0.0.1:{_port()}"
    env = {**os.environ, "ATSCALE_FORUM_DIR": str(work / "forum")}
    log_path = work / "streamlit.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", base_url.rsplit(":", 1)[1], "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _healthy(base_url):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)  # polling the process we started
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@pytest.fixture
def phone(phone_browser, phone_server):
    """A page in a fresh phone-sized context; fails the test if anything beyond loopback was requested."""
    context = phone_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    context.set_default_timeout(PAGE_MS)
    tried_outside = []

    def loopback_only(route):
        parsed = urlparse(route.request.url)
        if parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOOPBACK_HOSTS:
            return route.continue_()
        tried_outside.append(route.request.url)
        return route.abort()

    context.route("**/*", loopback_only)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not tried_outside, f"the page tried to reach the internet: {tried_outside}"
    assert not errors, f"errors in the page: {errors}"


def wait_for_app_run(page, timeout: int = PAGE_MS) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', state="attached",
                           timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached",
                           timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-stale=\"true\"]')",
                           timeout=timeout)


def overflow(page) -> dict:
    """How far the document and the main block are wider than the screen (0 when nothing sticks out)."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const wide = [...main.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length
                         && getComputedStyle(e).visibility !== 'hidden'
                         && !e.closest('[data-testid="stDataFrame"], details:not([open]), .js-plotly-plot svg'))
            .map(e => e.getAttribute('data-testid') || e.tagName);
        return {document: document.scrollingElement.scrollWidth - window.innerWidth,
                main: main.scrollWidth - main.clientWidth, wide: [...new Set(wide)].slice(0, 10)};
    }""")


def screenshot(page, path: Path, *, whole: bool) -> Path:
    """What the phone shows first, or the whole main block (Streamlit scrolls inside it, not the document)."""
    if whole:
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": PHONE["width"], "height": min(max(height, PHONE["height"]), 16_000)})
    page.screenshot(path=path, full_page=True)
    return path


def test_a_borough_summary_fits_a_phone_screen_from_a_shared_link(phone, phone_server, tmp_path):
    phone.goto(f"{phone_server}/plain_summary?summary_level=borough&summary_area=E09000020",
               timeout=FIRST_LOAD_MS)
    wait_for_app_run(phone, timeout=FIRST_LOAD_MS)
    assert phone.get_by_test_id("stException").count() == 0
    main = phone.get_by_test_id("stMain")
    assert main.locator("h1").first.text_content().startswith("In plain English")
    assert main.locator("h2").first.text_content().startswith("Kensington and Chelsea")
    assert "summary_area=E09000020" in phone.url
    screenshot(phone, tmp_path / "phone-summary-first-screen.png", whole=False)

    first = main.get_by_text(FIRST_SENTENCE)
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # the sidebar is folded away (moved off the screen), not drawn over the text
    sidebar = phone.get_by_test_id("stSidebar")
    assert sidebar.get_attribute("data-collapsed") == "true"
    assert not sidebar.is_visible() or sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0

    charts = main.get_by_test_id("stPlotlyChart")
    assert charts.count() == 4
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for()
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # tables wait, folded, under "The numbers behind this chart"
    assert main.get_by_test_id("stExpander").count() == 4
    assert not main.get_by_test_id("stDataFrame").first.is_visible()

    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1 and not wide["wide"], wide
    screenshot(phone, tmp_path / "phone-summary-whole.png", whole=True)
    phone.set_viewport_size(PHONE)

    # unfolding a table keeps the page itself within the screen (the table scrolls inside its frame)
    main.get_by_test_id("stExpander").first.locator("summary").click()
    table = main.get_by_test_id("stDataFrame").first
    table.wait_for()
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= PHONE["width"]
    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1, wide
    table.scroll_into_view_if_needed()
    screenshot(phone, tmp_path / "phone-summary-table.png", whole=False)


def test_the_glossary_search_works_on_a_phone(phone, phone_server, tmp_path):
    phone.goto(f"{phone_server}/glossary", timeout=FIRST_LOAD_MS)
    wait_for_app_run(phone, timeout=FIRST_LOAD_MS)
    main = phone.get_by_test_id("stMain")
    search = main.get_by_role("textbox", name="Search for a word")
    search.fill("network")
    search.press("Enter")
    wait_for_app_run(phone)
    found = len(find_glossary_entries("network"))
    assert main.get_by_text("Showing ").first.text_content().startswith(f"Showing {found} of ")
    entry = main.get_by_text("Primary Care Network (PCN)")
    assert entry.is_visible()
    wide = overflow(phone)
    assert wide["document"] <= 0 and wide["main"] <= 1 and not wide["wide"], wide
    screenshot(phone, tmp_path / "phone-glossary.png", whole=False)
