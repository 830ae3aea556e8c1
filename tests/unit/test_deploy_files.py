"""The Dockerfile, compose.yaml and the nginx config, read statically (no Docker engine runs here or in CI), and
the image's command and health check run as written, outside a container.

The Dockerfile is parsed by BuildKit's own parser (the `dockerfile` package). tests/e2e/test_scale_out.py runs
the same nginx config with two real replicas and PostgreSQL; these checks catch what only Docker would use.
"""
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import dockerfile
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "atscale.conf.template"
APP_PORT = "8501"
START_SECONDS = 90


@pytest.fixture(scope="module")
def instructions() -> list[dockerfile.Command]:
    return list(dockerfile.parse_file(str(ROOT / "Dockerfile")))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nginx_config() -> str:
    return NGINX_TEMPLATE.read_text(encoding="utf-8")


def last(instructions, name: str) -> dockerfile.Command:
    found = [command for command in instructions if command.cmd == name]
    assert found, f"the Dockerfile has no {name}"
    return found[-1]


def command_words(command: dockerfile.Command) -> list[str]:
    """CMD / HEALTHCHECK CMD as a list of words, whether written in exec (JSON) or shell form."""
    words = list(command.value)
    if command.cmd == "HEALTHCHECK":
        assert words[0] == "CMD", "HEALTHCHECK NONE switches the health check off"
        words = words[1:]
    return words if command.json else shlex.split(" ".join(words))


def option(words: list[str], name: str) -> str | None:
    """The value of `--name value` or `--name=value` among command-line words."""
    for position, word in enumerate(words):
        if word == name and position + 1 < len(words):
            return words[position + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def test_the_image_is_python_311(instructions):
    base = instructions[0]
    assert base.cmd == "FROM" and re.fullmatch(r"python:3\.11([.-].*)?", base.value[0]), base.value


def test_the_image_installs_requirements_txt(instructions):
    copied = [command.value for command in instructions if command.cmd == "COPY"]
    assert any("requirements.txt" in value[:-1] for value in copied), copied
    runs = " ".join(" ".join(command.value) for command in instructions if command.cmd == "RUN")
    assert re.search(r"pip install (.* )?-r requirements\.txt", runs), runs


def test_the_app_runs_as_a_user_the_image_creates_not_root(instructions):
    user = last(instructions, "USER").value[0].split(":")[0]
    assert user not in ("root", "0"), "the app must not run as root"
    created = " ".join(" ".join(command.value) for command in instructions if command.cmd == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", created), f"no useradd creates {user!r}"
    commands = [command.cmd for command in instructions]
    assert commands.index("USER") < commands.index("CMD"), "USER must come before the command it applies to"


def test_the_server_listens_on_every_interface_of_the_container_on_the_exposed_port(instructions):
    words = command_words(last(instructions, "CMD"))
    assert words[:3] == ["streamlit", "run", "app.py"], words
    assert option(words, "--server.address") == "0.0.0.0", "inside a container 127.0.0.1 is unreachable from outside"
    assert option(words, "--server.port") == APP_PORT
    assert option(words, "--server.headless") == "true"
    assert APP_PORT in last(instructions, "EXPOSE").value


def test_the_health_check_asks_streamlits_health_endpoint_on_the_apps_port(instructions):
    check = last(instructions, "HEALTHCHECK")
    text = " ".join(command_words(check))
    assert f"127.0.0.1:{APP_PORT}/_stcore/health" in text, text
    assert any(flag.startswith("--start-period=") for flag in check.flags), "a cold start takes seconds"


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def test_the_images_command_serves_the_app_and_its_health_check_sees_it(instructions, tmp_path):
    """The CMD and the HEALTHCHECK run as written (outside a container: on a free loopback port)."""
    port = _free_port()
    command = [port if word == APP_PORT else "127.0.0.1" if word == "0.0.0.0" else word
               for word in command_words(last(instructions, "CMD"))]
    health = [sys.executable if word == "python" else word.replace(f":{APP_PORT}/", f":{port}/")
              for word in command_words(last(instructions, "HEALTHCHECK"))]
    assert subprocess.run(health, capture_output=True, timeout=30, check=False).returncode != 0, "nothing serves yet"
    env = {**os.environ, "ATSCALE_FORUM_DIR": str(tmp_path / "forum")}
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while subprocess.run(health, capture_output=True, timeout=30, check=False).returncode != 0:
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.5)  # polling a process we started
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_secrets_and_local_answers_never_go_into_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in (".env", ".streamlit/secrets.toml", "forum-data/", ".git", "node_modules/"):
        assert pattern in ignored, f".dockerignore must list {pattern}"


def app_services(compose: dict) -> dict[str, dict]:
    return {name: service for name, service in compose["services"].items() if service.get("build") == "."}


def test_compose_runs_two_replicas_of_the_image_on_one_postgresql_database(compose):
    services = compose["services"]
    databases = [name for name, service in services.items() if str(service.get("image", "")).startswith("postgres:")]
    assert len(databases) == 1, services.keys()
    database = services[databases[0]]
    apps = app_services(compose)
    assert len(apps) == 2, f"two app replicas, found {sorted(apps)}"
    for name, service in apps.items():
        url = service["environment"]["ATSCALE_DATABASE_URL"]
        match = re.fullmatch(r"postgresql\+psycopg://(\w+):(\$\{[^}]+\})@(\w+):5432/(\w+)", url)
        assert match, f"{name}: {url}"
        user, password, host, database_name = match.groups()
        assert host == databases[0]
        assert (user, database_name) == (database["environment"]["POSTGRES_USER"],
                                         database["environment"]["POSTGRES_DB"])
        assert password == database["environment"]["POSTGRES_PASSWORD"]
        assert service["depends_on"][databases[0]]["condition"] == "service_healthy"
    assert "healthcheck" in database and "pg_isready" in " ".join(database["healthcheck"]["test"])


def test_compose_takes_the_passcode_and_password_from_the_environment_never_from_the_file(compose):
    apps = app_services(compose)
    for service in [*apps.values(), *compose["services"].values()]:
        for key, value in (service.get("environment") or {}).items():
            if re.search("PASSCODE|PASSWORD", key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), f"{key} must come from the environment: {value}"
    for service in apps.values():
        assert "ATSCALE_FACILITATOR_PASSCODE" in service["environment"]


def test_compose_puts_nginx_in_front_of_both_replicas_with_the_repositorys_config(compose, nginx_config):
    services = compose["services"]
    nginx = next(service for service in services.values() if str(service.get("image", "")).startswith("nginx:"))
    environment = nginx["environment"]
    needed = set(re.findall(r"\$\{(\w+)\}", nginx_config))
    assert needed <= set(environment), f"the nginx template needs {sorted(needed - set(environment))}"
    upstreams = {environment["ATSCALE_APP_1"], environment["ATSCALE_APP_2"]}
    assert upstreams == {f"{name}:{APP_PORT}" for name in app_services(compose)}
    assert all(re.search(environment["NGINX_ENVSUBST_FILTER"], name) for name in needed)
    mounted = {volume.split(":")[0]: volume.split(":")[1] for volume in nginx["volumes"]}
    assert mounted.get("./deploy/nginx/atscale.conf.template", "").startswith("/etc/nginx/templates/")
    published = [str(port) for port in nginx["ports"]]
    assert any(port.endswith(f":{environment['ATSCALE_NGINX_PORT']}") for port in published), published
    for name in app_services(compose):
        assert nginx["depends_on"][name]["condition"] == "service_healthy"


def nginx_location(config: str, path: str) -> str:
    match = re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", config, re.DOTALL)
    assert match, f"no location {path} in the nginx config"
    return match.group(1)


def test_nginx_keeps_each_browser_on_one_replica_with_a_cookie_it_sets_itself(nginx_config):
    route = re.search(r"hash \$(\w+) consistent;", nginx_config)
    assert route, "the upstream must hash consistently on the route"
    assert re.search(rf"map \$cookie_atscale_route \${route.group(1)} \{{\n[^\n]*\n\s+default\s+\$request_id;", nginx_config)
    for path in ("/", "/_stcore/stream"):
        assert "add_header Set-Cookie $atscale_route_cookie always;" in nginx_location(nginx_config, path)
    assert len(re.findall(r"^\s*server \$\{ATSCALE_APP_\d\}", nginx_config, re.MULTILINE)) == 2


def test_nginx_upgrades_the_apps_websocket_and_keeps_it_open(nginx_config):
    server_block = nginx_config[nginx_config.index("server {"):]
    for header in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                   "proxy_set_header Connection $connection_upgrade;", "proxy_set_header Host $http_host;"):
        assert header in server_block
    stream = nginx_location(nginx_config, "/_stcore/stream")
    timeout = re.search(r"proxy_read_timeout (\d+)s;", stream)
    assert timeout and int(timeout.group(1)) >= 300, "the websocket lives as long as the page"
    assert "proxy_buffering off;" in stream
