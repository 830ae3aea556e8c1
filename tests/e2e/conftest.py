"""Browser end-to-end fixtures: one `streamlit run` server for the whole session, Debian chromium per module.

Every test gets a fresh browser context (`visit`) that lets only loopback requests through: anything else
is recorded, aborted and fails the test, as does any uncaught error in the page. Pages are discovered from
app_pages/*.py (URL path `/<file stem>`, the default page at `/`), so a new page is tested automatically.
Skips cleanly when playwright, /usr/bin/chromium or axe-core is missing, and fails instead when
ATSCALE_REQUIRE_BROWSER=1 (.ci/run sets it). Figures (load times, external requests, axe
results) are printed at the end of the run; with ATSCALE_SCREENSHOT_DIR set, screenshots and a JSON report
are copied there too.
"""
import ast
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGE_TIMEOUT_MS = 60_000  # per page on a busy 2-core machine
COLD_START_TIMEOUT_MS = 180_000  # the first page load also fills the server's caches
SERVER_START_SECONDS = 60
VIEWPORT = {"width": 1280, "height": 1000}
MAX_SCREENSHOT_HEIGHT = 12_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
SCREENSHOT_DIR_SETTING = "ATSCALE_SCREENSHOT_DIR"
PASSCODE_SETTING = "ATSCALE_FACILITATOR_PASSCODE"
DEFAULT_TEST_PASSCODE = "e2e-passcode"  # used only when the environment sets none

# axe cannot know WCAG 2.5.8's "equivalent" exception: a date input's day and month segments (about 18 px
# wide) can also be set with the input's own "Choose date" calendar button, which passes the rule. Such nodes
# are still listed in the report, marked accepted, but do not fail a test.
AXE_RUN_JS = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const find = node => typeof node.target[0] === 'string' ? document.querySelector(node.target[0]) : null;
  for (const violation of result.violations) {
    const failing = new Set(violation.nodes.map(find));
    for (const node of violation.nodes) {
      const element = find(node);
      const dateInput = element && element.closest('[data-testid="stDateInput"]');
      const button = dateInput && dateInput.querySelector('[data-testid="stDateInputCalendarButton"]');
      node.accepted = violation.id === 'target-size' && element.getAttribute('role') === 'spinbutton'
        && !!button && !failing.has(button)
        ? 'WCAG 2.5.8 equivalent: the date can also be chosen with the calendar button, which passes' : '';
    }
  }
  return result.violations;
}"""

REPORT: dict[str, dict] = {"pages": {}, "axe": {}, "external_requests": [], "server": {}}
SERVER_ENVS: dict[str, dict[str, str]] = {}  # base URL -> that server's environment (tests set up its forum store)

if os.environ.get("ATSCALE_REQUIRE_BROWSER") == "1":
    # The test modules skip themselves at collection when Playwright is missing; asked for, it is an error here.
    import playwright.sync_api  # noqa: F401


@dataclass(frozen=True)
class AppPage:
    """One page file in app_pages/ and where the browser finds it."""

    stem: str
    url_path: str  # "/" for the default page, "/<stem>" otherwise
    title: str | None  # the st.Page title in app.py; None when the page is not registered there


def _literal_text(node: ast.AST) -> str | None:
    """A string constant, or the fixed words of an f-string (f"{areas.region.name} overview" -> "overview": titles
    that name the data's areas are matched on the words they always have)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant)).strip() or None
    return None


def read_registered_pages(app_file: Path) -> dict[str, tuple[str | None, str | None, bool]]:
    """stem -> (title, url_path, default) for every st.Page("app_pages/<stem>.py", ...) in app.py."""
    pages = {}
    for node in ast.walk(ast.parse(app_file.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "Page"):
            continue
        if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        default = keywords.get("default")
        pages[Path(node.args[0].value).stem] = (
            _literal_text(keywords["title"]) if "title" in keywords else None,
            _literal_text(keywords["url_path"]) if "url_path" in keywords else None,
            isinstance(default, ast.Constant) and bool(default.value))
    return pages


def discover_pages() -> list[AppPage]:
    registered = read_registered_pages(ROOT / "app.py")
    found = []
    for path in sorted((ROOT / "app_pages").glob("*.py")):
        if path.stem.startswith("_"):
            continue
        title, url_path, default = registered.get(path.stem, (None, None, False))
        found.append(AppPage(path.stem, "/" if default else f"/{url_path or path.stem}", title))
    return found


def pytest_generate_tests(metafunc):
    if "app_page" in metafunc.fixturenames:
        metafunc.parametrize("app_page", discover_pages(), ids=lambda page: page.stem)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers_health(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as response:
            return response.read() == b"ok"
    except OSError:
        return False


@contextmanager
def serve_app(work: Path, **settings: str):
    """`streamlit run app.py` on a free loopback port, with ATSCALE_* settings added; yields its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ) | settings  # ATSCALE_* settings pass through to the app
    env.setdefault("ATSCALE_DATA_DIR", str(ROOT / "data"))  # tests name their data: the illustrative by default
    env.setdefault("ATSCALE_FORUM_DIR", str(work / "forum"))  # never write forum answers into the repo
    env[PASSCODE_SETTING] = env.get(PASSCODE_SETTING) or DEFAULT_TEST_PASSCODE  # the facilitator page shows its gate
    SERVER_ENVS[base_url] = env
    log_path = work / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = started + SERVER_START_SECONDS
        while not _answers_health(base_url):
            if server.poll() is not None or time.perf_counter() > deadline:
                pytest.fail(f"streamlit did not start on {base_url}:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)  # polling a process we started, not waiting for a result
        REPORT["server"].setdefault("log", str(log_path))  # the default server's, when both run
        REPORT["server"].setdefault("health_seconds", round(time.perf_counter() - started, 2))
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app on the default data for the whole session; yields its base URL."""
    with serve_app(tmp_path_factory.mktemp("e2e_server")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def england_server(tmp_path_factory, england_dir):
    """The app on the England-scale data (another region, 42 STPs); started only by the tests that ask for it."""
    with serve_app(tmp_path_factory.mktemp("e2e_england_server"), ATSCALE_DATA_DIR=str(england_dir)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def north_west_server(tmp_path_factory, north_west_dir):
    """The app on North West, imported from the real national files; started only by the tests that ask for it."""
    with serve_app(tmp_path_factory.mktemp("e2e_north_west_server"), ATSCALE_DATA_DIR=str(north_west_dir)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def default_data_server(tmp_path_factory):
    """The app with no ATSCALE_DATA_DIR: its own default (the real data) and the sidebar's data choice."""
    with serve_app(tmp_path_factory.mktemp("e2e_default_data_server"), ATSCALE_DATA_DIR="") as base_url:
        yield base_url


def _fill_forum(forum_dir: Path, stps: dict[str, str], *, answers_per_stp: int = 6) -> str:
    """A forum event with a full room's answers (long free text included) in the store under forum_dir; returns
    its plenary token, to open the plenary slide with."""
    import datetime as dt

    from forum.models import BARRIERS, MATURITY_DOMAINS, FacilitatorCredentials, RoleCount, TableAnswer
    from forum.store import open_forum_store, read_database_url

    passcode = os.environ.get(PASSCODE_SETTING) or DEFAULT_TEST_PASSCODE
    credentials = FacilitatorCredentials(passcode, passcode, "e2e-setup")
    store = open_forum_store(read_database_url({"ATSCALE_FORUM_DIR": str(forum_dir)}))
    try:
        event = store.create_event("Clinical Senate forum", dt.date(2019, 3, 14), credentials=credentials)
        for index, code in enumerate(stps):
            for table in range(answers_per_stp):
                link = store.issue_table_link(event.id, code, stp_choices=stps, label=f"Table {table + 1}",
                                              credentials=credentials)
                answer = TableAnswer(
                    scores={domain.code: 1 + (index + table + n) % 5 for n, domain in enumerate(MATURITY_DOMAINS)},
                    vision={"gp": RoleCount(6, 3, 1)},
                    barriers=tuple(choice.code for choice in BARRIERS[table % 3:table % 3 + 3]),
                    barrier_text="Estates and IT " * 40,
                    next_steps=f"Table {table + 1} will meet the CCG and the federation next month to agree a "
                               "shared plan for evening appointments and a joint rota. " * 6)
                store.add_submission(link.token, answer, f"answer-{code}-{table}")
        return event.plenary_token
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def presenter_servers(tmp_path_factory):
    """The app on the illustrative data (data/) and on the real data (data/real), each named explicitly, each with a
    forum event full of answers: {"demo"|"real": (base URL, plenary token)}."""
    from contextlib import ExitStack

    servers = {}
    with ExitStack() as stack:
        for name, folder in (("demo", ROOT / "data"), ("real", ROOT / "data" / "real")):
            work = tmp_path_factory.mktemp(f"e2e_presenter_{name}")
            stps = _read_stp_names(folder)
            token = _fill_forum(work / "forum", stps)
            url = stack.enter_context(serve_app(work, ATSCALE_DATA_DIR=str(folder),
                                                ATSCALE_FORUM_DIR=str(work / "forum")))
            servers[name] = (url, token)
        yield servers


def _read_stp_names(folder: Path) -> dict[str, str]:
    import pandas as pd

    practices = pd.read_csv(folder / "practices.csv", dtype=str)
    return dict(practices[["stp_code", "stp_name"]].drop_duplicates().itertuples(index=False, name=None))


@contextmanager
def launched_chromium(browser_part_missing):
    """Debian's chromium driven by Playwright (no `playwright install`); skips (or fails) when either is missing."""
    try:
        from playwright import sync_api
    except ImportError:
        browser_part_missing("Playwright is not installed (pip install -r requirements.txt)")
    if not CHROMIUM.exists():
        browser_part_missing(f"Debian chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api.expect.set_options(timeout=PAGE_TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def app_url(app_server, browser_part_missing):
    """The server's URL after one warm-up load of the default page (it fills the data caches)."""
    with launched_chromium(browser_part_missing) as warm_up:
        context = warm_up.new_context(viewport=VIEWPORT)
        context.route("**/*", lambda route: route.continue_() if _is_loopback(route.request.url) else route.abort())
        page = context.new_page()
        started = time.perf_counter()
        page.goto(app_server + "/", timeout=COLD_START_TIMEOUT_MS)
        wait_for_app_run(page, timeout=COLD_START_TIMEOUT_MS)
        REPORT["server"]["cold_first_page_seconds"] = round(time.perf_counter() - started, 2)
        context.close()
    return app_server


@pytest.fixture(scope="module")
def browser(app_url, browser_part_missing):
    """One chromium per test module (launching takes well under a second). Playwright's sync API allows one
    driver at a time, so a module that starts its own browser can run between ours."""
    with launched_chromium(browser_part_missing) as launched:
        yield launched


@pytest.fixture(scope="module")
def standalone_browser(browser_part_missing):
    """One chromium per test module for tests that start servers of their own (the suite's server is not started)."""
    with launched_chromium(browser_part_missing) as launched:
        yield launched


def _is_loopback(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOOPBACK_HOSTS


def wait_for_app_run(page, timeout: int = PAGE_TIMEOUT_MS) -> None:
    """Connected, script finished, "Running..." gone (the signals Streamlit's own e2e uses), and everything drawn."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', state="attached",
                           timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached",
                           timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    # Charts and tables load their code lazily: a skeleton stands in until then. Stale elements of the
    # previous run are cleared once the new run is drawn.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-stale=\"true\"]')",
                           timeout=timeout)


@dataclass
class Visit:
    """One fresh browser context on the app: open pages, choose options, take screenshots, run axe."""

    page: object
    base_url: str
    tmp_path: Path
    browser_part_missing: object = pytest.skip
    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def open(self, url_path: str) -> float:
        """Load a page and wait for its script run; returns the seconds it took."""
        started = time.perf_counter()
        self.page.goto(self.base_url + url_path)
        wait_for_app_run(self.page)
        return time.perf_counter() - started

    def wait_for_app_run(self) -> None:
        wait_for_app_run(self.page)

    @property
    def main(self):
        return self.page.get_by_test_id("stMain")

    @property
    def sidebar(self):
        return self.page.get_by_test_id("stSidebar")

    def heading(self):
        return self.main.locator("h1").first

    def exceptions(self) -> list[str]:
        return self.page.get_by_test_id("stException").all_text_contents()

    def sidebar_selectbox(self, label: str):
        """A sidebar selectbox's input, found by its label like a screen reader would."""
        return self.sidebar.get_by_role("combobox", name=label)

    def choose_other_option(self, label: str) -> str:
        """Open the labelled sidebar selectbox with the mouse and click an option other than the current one."""
        box = self.sidebar_selectbox(label)
        current = box.input_value()
        box.click()
        options = self.page.get_by_role("option")
        options.first.wait_for()
        others = [text.strip() for text in options.all_text_contents() if text.strip() != current]
        assert others, f"{label!r} offers nothing but {current!r}"
        self.page.get_by_role("option", name=others[0], exact=True).click()
        return others[0]

    def full_height(self) -> None:
        """Make the viewport as tall as the main block: Streamlit scrolls inside it, not the document."""
        height = self.page.evaluate("""() => {
            const main = document.querySelector('[data-testid="stMainBlockContainer"]');
            const sidebar = document.querySelector('[data-testid="stSidebar"]:not([data-collapsed="true"])');
            const content = sidebar && sidebar.querySelector('[data-testid="stSidebarContent"]');
            return Math.max(main ? main.getBoundingClientRect().top + main.scrollHeight : 0,
                            content ? content.scrollHeight : 0); }""")
        self.page.set_viewport_size({"width": VIEWPORT["width"],
                                     "height": int(min(max(height, VIEWPORT["height"]), MAX_SCREENSHOT_HEIGHT))})

    def screenshot(self, name: str, *, whole_page: bool = True) -> Path:
        """A PNG of the page (all of it, by default) in tmp_path, copied to ATSCALE_SCREENSHOT_DIR if set."""
        if whole_page:
            self.full_height()
        path = self.tmp_path / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        copy_to_report_dir(path)
        return path

    def screenshot_element(self, locator, name: str, *, keep: bool = True) -> Path:
        """A PNG of one element; `keep` copies it to ATSCALE_SCREENSHOT_DIR when that is set."""
        path = self.tmp_path / f"{name}.png"
        locator.screenshot(path=path)
        if keep:
            copy_to_report_dir(path)
        return path

    def run_axe(self) -> list[dict]:
        """axe-core's WCAG 2.2 A/AA violations (any impact) on the whole page, shown at full height."""
        if not AXE_JS.exists():
            self.browser_part_missing(f"axe-core is not installed ({AXE_JS.relative_to(ROOT)}): run `npm ci`")
        self.full_height()
        self.page.add_script_tag(path=str(AXE_JS))
        return self.page.evaluate(AXE_RUN_JS, AXE_TAGS)

    @staticmethod
    def blocking(violations: list[dict]) -> list[str]:
        """One readable line per serious or critical violation (accepted elements left out)."""
        lines = []
        for violation in violations:
            nodes = [node for node in violation["nodes"] if not node.get("accepted")]
            if violation["impact"] in BLOCKING_IMPACTS and nodes:
                lines.append(f"{violation['impact']} {violation['id']} ({violation['help']}): "
                             + "; ".join(" ".join(map(str, node["target"])) for node in nodes[:8]))
        return lines

    @property
    def facilitator_passcode(self) -> str:
        return os.environ.get(PASSCODE_SETTING) or DEFAULT_TEST_PASSCODE

    def record(self, stem: str, **figures) -> None:
        """Figures for the end-of-run summary (never asserted: timings vary with the machine)."""
        REPORT["pages"].setdefault(stem, {}).update(figures)

    def record_axe(self, label: str, violations: list[dict]) -> None:
        REPORT["axe"][label] = summarise_violations(violations)

    def assert_offline_and_error_free(self) -> None:
        assert not self.external_requests, f"the page tried to reach the internet: {self.external_requests}"
        assert not self.page_errors, f"errors in the page: {self.page_errors}"


def copy_to_report_dir(path: Path) -> None:
    target = os.environ.get(SCREENSHOT_DIR_SETTING)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


@pytest.fixture
def visit(request, app_url, browser, tmp_path, browser_part_missing):
    """A fresh context per test; fails the test on any non-loopback request or page error."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    current = Visit(page=page, base_url=app_url, tmp_path=tmp_path, browser_part_missing=browser_part_missing)

    def local_only(route):
        if _is_loopback(route.request.url):
            return route.continue_()
        current.external_requests.append(route.request.url)
        REPORT["external_requests"].append(route.request.url)
        return route.abort()

    context.route("**/*", local_only)
    page.on("pageerror", lambda error: current.page_errors.append(str(error)))
    yield current
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # keep what the browser showed, to see why
        try:
            current.screenshot(f"FAILED-{request.node.name}")
        except Exception as error:  # noqa: BLE001 - the test's own failure is what matters
            print(f"no screenshot of the failure: {error}")
        print(f"exceptions shown: {current.exceptions()}\nserver log: {read_server_log()}")
    context.close()
    current.assert_offline_and_error_free()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def read_server_log() -> str:
    path = REPORT["server"].get("log")
    return Path(path).read_text(errors="replace")[-3000:] if path else ""


def summarise_violations(violations: list[dict]) -> list[dict]:
    """axe's answer cut down to what a reader needs: rule, impact and the elements at fault."""
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": node["target"], "html": node["html"][:200],
                        "summary": (node.get("failureSummary") or "")[:300],
                        "accepted": node.get("accepted") or ""} for node in v["nodes"]]}
            for v in violations]


def pytest_terminal_summary(terminalreporter):
    if not (REPORT["pages"] or REPORT["axe"] or REPORT["server"]):
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser end-to-end figures")
    for key, value in REPORT["server"].items():
        write(f"server {key}: {value}")
    for stem, figures in sorted(REPORT["pages"].items()):
        write(f"page {stem}: " + ", ".join(f"{key} {value}" for key, value in figures.items()))
    write(f"external requests tried: {len(REPORT['external_requests'])}")
    for url in REPORT["external_requests"][:20]:
        write(f"  {url}")
    for stem, violations in sorted(REPORT["axe"].items()):
        write(f"axe {stem}: {len(violations)} rules violated")
        for violation in violations:
            targets = "; ".join(" ".join(map(str, node["target"])) + (" [accepted]" if node["accepted"] else "")
                                for node in violation["nodes"][:5])
            write(f"  {violation['impact']} {violation['id']} ({len(violation['nodes'])} elements): {targets}")
            write(f"    {violation['nodes'][0]['summary'].splitlines()[-1].strip()[:200]}")
    target = os.environ.get(SCREENSHOT_DIR_SETTING)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / "e2e-report.json").write_text(json.dumps(REPORT, indent=1), encoding="utf-8")


@pytest.fixture
def loopback_only_context():
    """Open a page in a fresh context of any shape; fails the test on a non-loopback request or a page error."""
    @contextmanager
    def open_page(browser, **options):
        context = browser.new_context(**options)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        outside, errors = [], []

        def local_only(route):
            if _is_loopback(route.request.url):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", local_only)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page
        finally:
            context.close()
        assert not outside, f"the page tried to reach the internet: {outside}"
        assert not errors, f"errors in the page: {errors}"

    return open_page


@pytest.fixture
def app_forum_store(app_url, app_server):
    """The forum store the session server uses (the same database), opened for this test; other servers of the
    session (data choice, presenter, other regions) have forum stores of their own."""
    from forum.store import open_forum_store, read_database_url

    store = open_forum_store(read_database_url(SERVER_ENVS[app_server]))
    yield store
    store.dispose()


@pytest.fixture
def wait_for_run():
    """wait_for_app_run, for test modules (conftest helpers are reached through fixtures, not imports)."""
    return wait_for_app_run
