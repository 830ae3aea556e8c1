"""Scale-out on real parts, as compose.yaml runs it but without Docker: PostgreSQL, two `streamlit run` replicas
and Debian's nginx with the repository's own config (deploy/nginx/atscale.conf.template, rendered by envsubst as
the nginx image does).

A table's answer sent through nginx to one replica shows on the other replica's plenary within 6 s; every
request of one browser reaches one replica (sticky sessions); killing the replica a table is on loses no
acknowledged answer, and the table reconnects through nginx to the surviving replica and sends again.

Skips in one line when nginx, envsubst or the test database (ATSCALE_TEST_DATABASE_URL, started by .ci/run) is
missing. The tests run in file order on one topology: the last one kills a replica.
"""
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.store import ForumStore

ROOT = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "atscale.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ENVSUBST = shutil.which("envsubst")
TEST_DATABASE_SETTING = "ATSCALE_TEST_DATABASE_URL"
ROUTE_COOKIE = "atscale_route"
PASSCODE = "scale-out-test-passcode"
START_SECONDS = 90  # two cold replicas on a busy 2-core machine
PLENARY_DEADLINE_MS = 6_000  # the plenary refreshes every 5 s
RECONNECT_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1280, "height": 1000}
TABLE_STP = ("QKK", "South East London")  # the table whose answers are sent

# The CI wrapper around the shared site config: what the nginx image's own nginx.conf does, in a temporary prefix.
NGINX_MAIN_CONF = """daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/atscale.conf;
}}
"""


@dataclass(frozen=True)
class ForumLinks:
    event_id: int
    table_path: str  # URL path and query of one STP table's link
    plenary_path: str


def create_forum_links(store: ForumStore) -> ForumLinks:
    """A new event, one STP table's link and the plenary's: the only place that knows how the forum addresses
    a table and a plenary."""
    name, (stp_code, stp_name) = f"Scale-out test {secrets.token_hex(3)}", TABLE_STP
    if hasattr(store, "issue_table_link"):  # the forum's unguessable table and plenary links
        from forum import links, models

        credentials = models.FacilitatorCredentials(PASSCODE, PASSCODE, "scale-out-test")
        event = store.create_event(name, dt.date.today(), credentials=credentials)
        table = store.issue_table_link(event.id, stp_code, stp_choices={stp_code: stp_name}, credentials=credentials)
        return ForumLinks(event.id, links.build_page_link("", links.TABLE_PAGE, **{links.TABLE_PARAM: table.token}),
                          links.build_page_link("", links.PLENARY_PAGE, **{links.PLENARY_PARAM: event.plenary_token}))
    # Until those links reach main: ?event=N&stp_code=X (drop this branch then).
    event = store.create_event(name, dt.date.today())
    return ForumLinks(event.id, f"/forum_table?event={event.id}&stp_code={stp_code}",
                      f"/forum_plenary?event={event.id}")


def render_nginx_site(values: dict[str, str]) -> str:
    """The site config with its ${ATSCALE_...} variables filled in by envsubst, exactly as the nginx image does."""
    variables = " ".join(f"${{{name}}}" for name in values)
    rendered = subprocess.run([ENVSUBST, variables], input=NGINX_TEMPLATE.read_text(encoding="utf-8"),
                              env={**os.environ, **values}, capture_output=True, text=True, check=True).stdout
    assert "${ATSCALE_" not in rendered, "a variable of the nginx template has no value"
    return rendered


def nginx_command(prefix: Path, port: int, app_addresses: list[str], access_log: Path) -> list[str]:
    """Write the site config and its CI wrapper into `prefix`; the command that runs nginx on them in the foreground."""
    first, second = app_addresses
    (prefix / "atscale.conf").write_text(render_nginx_site({
        "ATSCALE_NGINX_PORT": f"127.0.0.1:{port}", "ATSCALE_APP_1": first, "ATSCALE_APP_2": second,
        "ATSCALE_NGINX_ACCESS_LOG": str(access_log)}), encoding="utf-8")
    (prefix / "nginx.conf").write_text(NGINX_MAIN_CONF.format(prefix=prefix), encoding="utf-8")
    return [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"]


def skip_without_nginx() -> None:
    if not Path(NGINX).exists():
        pytest.skip(f"Debian's nginx is not installed at {NGINX} (apt-get install nginx; .ci/run installs it)")
    if not ENVSUBST:
        pytest.skip("envsubst is not installed (apt-get install gettext-base); it renders the nginx config")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers_health(base_url: str, cookie: str | None = None) -> bool:
    request = urllib.request.Request(f"{base_url}/_stcore/health",
                                     headers={"Cookie": f"{ROUTE_COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@dataclass
class Replica:
    """One `streamlit run app.py` behind nginx."""

    address: str  # host:port, as nginx's $upstream_addr names it
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL: a crash, not a tidy shutdown."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)


@dataclass
class ScaleOut:
    """The running topology: nginx in front of two replicas sharing one PostgreSQL database."""

    url: str
    replicas: dict[str, Replica]
    access_log: Path
    store: ForumStore

    def requests_for(self, route: str) -> list[dict]:
        """nginx's access-log lines (one JSON object per request) for one route cookie."""
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return [entry for entry in map(json.loads, lines) if entry["route"] == route]

    def replica_of(self, route: str) -> Replica:
        """The replica that answered the latest request of a browser with this route cookie."""
        deadline = time.monotonic() + 5  # nginx logs a request once it is finished
        while not (answered := [entry["upstream"].split(", ")[-1] for entry in self.requests_for(route)
                                if entry["upstream"]]):
            assert time.monotonic() < deadline, (f"nginx logged no request for route {route}; the log ends with "
                                                 f"{self.access_log.read_text(encoding='utf-8')[-1500:]}")
            time.sleep(0.1)
        return self.replicas[answered[-1]]

    def route_to(self, replica: Replica) -> str:
        """A route cookie value that nginx's hash sends to `replica` (found by asking nginx, as a browser would)."""
        for _ in range(64):
            route = secrets.token_hex(16)
            assert _answers_health(self.url, route)
            if self.replica_of(route) is replica:
                return route
        raise AssertionError(f"no route to {replica.address} in 64 tries: is the hash using the cookie?")


def _database_for_this_module(admin_url: str):
    """A database of its own on the test server, so no other test's tables or answers are seen here."""
    name = f"atscale_scaleout_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return admin, name, sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _start_replica(port: int, database_url: str, work: Path) -> Replica:
    env = {**os.environ, "ATSCALE_DATABASE_URL": database_url, "ATSCALE_FACILITATOR_PASSCODE": PASSCODE}
    log = work / f"streamlit-{port}.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    return Replica(f"127.0.0.1:{port}", process, log)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while not _answers_health(url):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer /_stcore/health:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)  # polling a process we started


@pytest.fixture(scope="module")
def scale_out():
    """PostgreSQL (a fresh database), two replicas on loopback ports and nginx in front of them."""
    admin_url = os.environ.get(TEST_DATABASE_SETTING)
    skip_without_nginx()
    if not admin_url:
        pytest.skip(f"{TEST_DATABASE_SETTING} is not set: .ci/run starts PostgreSQL for the scale-out test")
    # Not pytest's tmp_path: nginx's workers (user nobody when started as root) must reach their temp folders.
    work = Path(tempfile.mkdtemp(prefix="atscale-scale-out-"))
    work.chmod(0o755)
    admin, database, database_url = _database_for_this_module(admin_url)
    store = ForumStore(database_url)  # creates the tables before two replicas race to
    replicas, nginx = [], None
    try:
        replicas = [_start_replica(_free_port(), database_url, work) for _ in range(2)]
        deadline = time.monotonic() + START_SECONDS
        for replica in replicas:
            _wait_until_healthy(f"http://{replica.address}", replica.process, replica.log, deadline)
        port = _free_port()
        access_log = work / "access.log"
        nginx_log = work / "nginx.log"
        with open(nginx_log, "wb") as output:
            nginx = subprocess.Popen(nginx_command(work, port, [replica.address for replica in replicas], access_log),
                                     stdout=output, stderr=subprocess.STDOUT)
        _wait_until_healthy(f"http://127.0.0.1:{port}", nginx, nginx_log, time.monotonic() + 30)
        yield ScaleOut(f"http://127.0.0.1:{port}", {replica.address: replica for replica in replicas},
                       access_log, store)
    finally:
        for process in [nginx, *(replica.process for replica in replicas)]:
            if process is not None:
                _stop(process)
        store.dispose()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def open_browser(standalone_browser, loopback_only_context):
    """Open a page in a fresh browser context (optionally with a given route cookie); closed after the test."""
    with ExitStack() as contexts:
        def open_page(url: str, *, route: str | None = None):
            page = contexts.enter_context(loopback_only_context(standalone_browser, viewport=VIEWPORT))
            if route:
                page.context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": url}])
            page.goto(url)
            return page

        yield open_page


def route_of(page) -> str:
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert ROUTE_COOKIE in cookies, f"nginx set no {ROUTE_COOKIE} cookie: {cookies}"
    return cookies[ROUTE_COOKIE]


def send_table_answer(page, next_steps: str) -> None:
    """Fill the table's form (every journey score 3, the next steps given) and send it; waits for the 'saved'
    confirmation."""
    main = page.get_by_test_id("stMain")
    for group in main.get_by_role("radiogroup").all():
        group.get_by_text("3 under way", exact=True).click()
    main.get_by_role("textbox", name="Next steps").fill(next_steps)
    main.get_by_role("button", name="Send our answers").click()
    try:
        main.get_by_test_id("stAlertContentSuccess").wait_for()
    except Exception as error:
        raise AssertionError(f"no 'saved' message; the page says: {main.get_by_test_id('stAlert').all_text_contents()}"
                             ) from error


def plenary_shows(page, text: str):
    return page.get_by_test_id("stMain").get_by_text(text, exact=False)


def test_debians_nginx_accepts_the_shared_config(tmp_path):
    skip_without_nginx()
    tmp_path.chmod(0o755)
    command = nginx_command(tmp_path, _free_port(), ["127.0.0.1:1", "127.0.0.1:2"], tmp_path / "access.log")
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30, check=False)
    assert checked.returncode == 0, checked.stderr


def open_table_and_plenary_elsewhere(scale_out, open_browser, wait_for_run, links: ForumLinks):
    """The table's page through nginx, and the plenary through nginx on the other replica (with a route cookie
    that hashes there); returns both pages and the table's replica."""
    table = open_browser(scale_out.url + links.table_path)
    wait_for_run(table)
    table_replica = scale_out.replica_of(route_of(table))
    other_replica = next(replica for replica in scale_out.replicas.values() if replica is not table_replica)
    plenary = open_browser(scale_out.url + links.plenary_path, route=scale_out.route_to(other_replica))
    wait_for_run(plenary)
    assert scale_out.replica_of(route_of(plenary)) is other_replica
    return table, plenary, table_replica


def test_every_request_of_one_browser_reaches_one_replica(scale_out, open_browser, wait_for_run):
    table_path = create_forum_links(scale_out.store).table_path
    page = open_browser(scale_out.url + table_path)
    wait_for_run(page)
    page.get_by_role("button", name="Send our answers").wait_for()
    requests = scale_out.requests_for(route_of(page))
    assert any("/_stcore/host-config" in entry["request"] for entry in requests), requests
    assert len({entry["upstream"] for entry in requests}) == 1, f"one browser was served by two replicas: {requests}"
    other = open_browser(scale_out.url + table_path)
    wait_for_run(other)
    assert route_of(other) != route_of(page), "two browsers were given the same route cookie"


def test_an_answer_sent_to_one_replica_shows_on_the_other_replicas_plenary(scale_out, open_browser, wait_for_run):
    links = create_forum_links(scale_out.store)
    table, plenary, table_replica = open_table_and_plenary_elsewhere(scale_out, open_browser, wait_for_run, links)
    plenary_shows(plenary, "No answers yet").wait_for()

    marker = f"Share a pharmacist across the network {secrets.token_hex(3)}"
    send_table_answer(table, marker)
    saved_at = time.monotonic()
    plenary_shows(plenary, marker).wait_for(timeout=PLENARY_DEADLINE_MS)
    print(f"answer on the other replica's plenary {time.monotonic() - saved_at:.1f} s after 'saved'")
    assert scale_out.replica_of(route_of(table)) is table_replica  # the answer did go through the first replica


def test_killing_the_tables_replica_loses_no_saved_answer_and_the_table_sends_again(scale_out, open_browser,
                                                                                    wait_for_run):
    links = create_forum_links(scale_out.store)
    table, plenary, doomed = open_table_and_plenary_elsewhere(scale_out, open_browser, wait_for_run, links)
    survivor = scale_out.replica_of(route_of(plenary))

    first = f"Before the crash {secrets.token_hex(3)}"
    send_table_answer(table, first)
    # Streamlit's frontend notices the dropped websocket and opens a new one through nginx, which now picks the
    # survivor (the dead replica refuses the connection).
    with table.expect_event("websocket", timeout=RECONNECT_TIMEOUT_MS):
        doomed.kill()
        plenary_shows(plenary, first).wait_for(timeout=PLENARY_DEADLINE_MS)
    wait_for_run(table)
    second = f"After the crash {secrets.token_hex(3)}"
    send_table_answer(table, second)
    assert scale_out.replica_of(route_of(table)) is survivor
    plenary_shows(plenary, second).wait_for(timeout=PLENARY_DEADLINE_MS)
    stored = scale_out.store.read_submissions(links.event_id)["next_steps"].tolist()
    assert sorted(stored) == sorted([first, second]), f"expected each answer once, the database holds {stored}"
