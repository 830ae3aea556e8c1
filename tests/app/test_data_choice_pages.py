"""AppTest: the app opens on the real data; the illustrative data are one sidebar choice away, kept in the URL,
never mixed with the real figures; ATSCALE_DATA_DIR pins one folder and hides the choice."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.data_choice import NO_PUBLIC_FIGURE_POINTER

ROOT = Path(__file__).parents[2]
REAL_LABEL = "**Real data.**"
ILLUSTRATIVE_LABEL = "**Illustrative data.**"

pytestmark = pytest.mark.skipif(not (ROOT / "data" / "real" / "practices.csv").exists(),
                                reason="the repository's real data (data/real) are absent")


@pytest.fixture(autouse=True)
def app_default_folder(monkeypatch):
    """No ATSCALE_DATA_DIR: the app's own default and the sidebar's data choice decide."""
    monkeypatch.delenv("ATSCALE_DATA_DIR", raising=False)
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)


def open_app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    return [e.value for e in (*at.success, *at.info) if e.value.startswith((REAL_LABEL, ILLUSTRATIVE_LABEL))]


def test_the_app_opens_on_the_real_data_and_keeps_the_choice_in_the_url():
    at = open_app()
    assert at.title[0].value == "London overview"
    assert labels(at) and all(label.startswith(REAL_LABEL) for label in labels(at)), labels(at)
    assert at.radio(key="data").value == "real"
    assert at.query_params["data"] == "real"
    # it opens on an indicator the real data have figures for, not on an empty view
    assert at.selectbox(key="indicator").value not in {"vision_aware_all", "vision_support_all"}
    assert not [i.value for i in at.info if i.value.startswith("No figure for this indicator")]


def test_a_link_with_data_illustrative_opens_the_illustrative_data_on_every_page():
    at = open_app(data="illustrative")
    assert labels(at) and all(label.startswith(ILLUSTRATIVE_LABEL) for label in labels(at)), labels(at)
    assert at.radio(key="data").value == "illustrative"
    at.switch_page("app_pages/data_and_indicators.py").run()
    assert not at.exception
    assert labels(at) and all(label.startswith(ILLUSTRATIVE_LABEL) for label in labels(at)), labels(at)
    assert at.query_params["data"] == "illustrative"


def test_choosing_the_illustrative_data_switches_every_figure_and_the_url():
    at = open_app("stp_profile.py")
    real_period = at.selectbox(key="period").value
    at.radio(key="data").set_value("illustrative").run()
    assert not at.exception, [e.value for e in at.exception]
    assert labels(at) and all(label.startswith(ILLUSTRATIVE_LABEL) for label in labels(at)), labels(at)
    assert at.query_params["data"] == "illustrative"
    # the other data's own latest period, with no notice about the old folder's choices
    assert at.selectbox(key="period").value != real_period
    assert not [w.value for w in at.warning if "link's" in w.value]


def test_a_link_naming_an_unknown_data_choice_opens_the_real_data_with_a_notice():
    at = open_app(data="[x](https://example.org)")
    notices = [w.value for w in at.warning if "link's data choice" in w.value]
    assert notices == [("The link's data choice is not one this page can show. Showing Real London data \\(NHS "
                        "Digital, OHID\\) instead.")]
    assert all(label.startswith(REAL_LABEL) for label in labels(at))
    assert at.query_params["data"] == "real"


def test_areas_with_no_public_figure_point_to_the_forum_and_the_illustrative_data():
    at = open_app("stp_profile.py")
    maturity = [i.value for i in at.info if "maturity" in i.value.lower() and "not published" in i.value]
    assert maturity and all(NO_PUBLIC_FIGURE_POINTER in text for text in maturity), [i.value for i in at.info]


def test_a_pinned_data_folder_hides_the_choice(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    at = open_app(data="real")
    assert not [radio for radio in at.radio if radio.key == "data"]
    assert labels(at) and all(label.startswith(ILLUSTRATIVE_LABEL) for label in labels(at))


@pytest.mark.parametrize("page", ["practice.py", "plain_summary.py", "borough_explorer.py"])
def test_switching_data_on_a_page_with_its_own_area_choice_gives_no_link_notice(page):
    at = open_app(page)
    at.radio(key="data").set_value("illustrative").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "link's" in w.value]
    assert all(label.startswith(ILLUSTRATIVE_LABEL) for label in labels(at))
