"""AppTest: no page shows a server path or a database address, even when a file is missing, the config cannot be
found or the forum's database cannot be reached (what went wrong is said in words; the details go to the log)."""
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
PAGES = sorted(path.name for path in (ROOT / "app_pages").glob("*.py"))
SECRET_DIR = "server-only-folder"
DATABASE_URL = "postgresql+psycopg://forum:hunter2@127.0.0.1:1/forum-db?connect_timeout=2"


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / SECRET_DIR / "data"
    shutil.copytree(ROOT / "data", folder)
    (folder / "workforce.csv").unlink()  # a file the config names is missing
    return folder


def everything_shown(at: AppTest) -> list[str]:
    """The text of every element on the page, tables' cells included."""
    shown = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and type(node).__name__ != "Dataframe":
            shown.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return shown + [frame.value.to_csv() for frame in at.dataframe]


@pytest.mark.parametrize("trouble", ["a missing data file", "a missing config file", "an unreachable database"])
@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_server_path_or_database_address(page, trouble, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / SECRET_DIR / "forum"))
    if trouble == "a missing config file":
        monkeypatch.setenv("ATSCALE_CONFIG", str(tmp_path / SECRET_DIR / "config.yaml"))
    if trouble == "an unreachable database":
        monkeypatch.setenv("ATSCALE_DATABASE_URL", DATABASE_URL)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page(f"app_pages/{page}").run()

    assert not at.exception, [e.value for e in at.exception]
    leaked = [text for text in everything_shown(at)
              if SECRET_DIR in text or str(ROOT) in text or "hunter2" in text or "forum-db" in text]
    assert not leaked, leaked[:3]
    if trouble == "an unreachable database" and page.startswith("forum_"):
        assert "The forum's answers cannot be reached just now" in at.error[0].value
