"""AppTest: caches keyed on the files' contents. A rerun reads no CSV again and rebuilds no chart already drawn
for that selection, yet an edited data file shows on the very next rerun."""
import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from figures import panels
from indicators import datasets

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def count_calls(monkeypatch, module, name: str) -> list:
    """Record every call of module.name (still doing its work) and return the list of calls."""
    calls, real = [], getattr(module, name)

    def recorded(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return calls


def test_reruns_and_other_pages_read_no_csv_file_again(monkeypatch):
    at = open_page("overview.py")
    reads = count_calls(monkeypatch, datasets, "read_csv_text")
    at.selectbox(key="stp").set_value("QMF").run()
    for page in ("stp_profile.py", "borough_explorer.py", "practice.py", "plain_summary.py"):
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    assert reads == []


def test_a_chart_seen_before_is_not_built_again_when_its_selection_comes_back(monkeypatch):
    at = open_page("stp_profile.py", stp="QMJ")
    at.selectbox(key="stp").set_value("QMF").run()  # both STPs' trend charts now exist
    builds = count_calls(monkeypatch, panels, "build_trend_figure")
    for stp in ("QMJ", "QMF", "QMJ"):
        at.selectbox(key="stp").set_value(stp).run()
        assert not at.exception
        assert at.title[0].value.startswith("STP profile: ")
    assert builds == []
    at.selectbox(key="stp_profile_domain").set_value("workforce").run()  # charts not drawn before are built
    assert len(builds) >= 2


def test_an_edited_data_file_shows_on_the_next_rerun(monkeypatch, tmp_path):
    data = shutil.copytree(SMALL, tmp_path / "data")
    monkeypatch.setenv("ATSCALE_CONFIG", str(data / "config.yaml"))
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(data))
    at = open_page("stp_profile.py", stp="S1")
    assert at.title[0].value == "STP profile: STP One"
    practices = data / "practices.csv"
    practices.write_text(practices.read_text(encoding="utf-8").replace("STP One", "STP One Renamed"),
                         encoding="utf-8")
    at.run()
    assert not at.exception
    assert at.title[0].value == "STP profile: STP One Renamed"
