"""AppTest: the real appointments figures as monthly trends on the STP profile, with their coverage note; the
period list follows the chosen indicator, so no choice shows an empty view."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
REAL = ROOT / "data" / "real"

pytestmark = pytest.mark.skipif(not (REAL / "appointments.csv").exists(), reason="data/real is absent")


@pytest.fixture(autouse=True)
def real_data(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(REAL))


def open_profile(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/stp_profile.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_appointments_show_as_monthly_trends_with_the_coverage_note():
    at = open_profile(stp="QKK", indicator="appointments_per_1000")
    at.selectbox(key="stp_profile_domain").set_value("access").run()
    assert not at.exception
    trends = [m.value for m in at.markdown if m.value.startswith("*What this chart shows:* Line chart of appointments")]
    assert trends and "from March 2019 to August 2021" in trends[0], trends
    coverage = [m.value for m in at.markdown if m.value.startswith("**Coverage.**")]
    assert coverage and "4 of the 5 STPs" in coverage[0]


def test_the_period_list_is_the_chosen_indicators_own():
    at = open_profile(indicator="appointments_per_1000")
    months = at.selectbox(key="period").options
    assert (months[0], months[-1], len(months)) == ("March 2019", "August 2021", 30)
    at.selectbox(key="indicator").set_value("extended_hours_practices").run()
    assert not at.exception
    assert at.selectbox(key="period").options == ["April 2018"]
    assert at.selectbox(key="period").value == "2018-04-01"
    assert not [w.value for w in at.warning if "link's" in w.value]
    assert not [i.value for i in at.info if i.value.startswith("There are no figures for")]


def test_a_link_to_a_period_the_indicator_lacks_opens_its_nearest_period_without_a_notice():
    at = open_profile(indicator="appointments_per_1000", period="2020-09-01")
    assert at.selectbox(key="period").value == "2020-09-01"
    at = open_profile(indicator="extended_hours_practices", period="2020-09-01")
    assert at.selectbox(key="period").value == "2018-04-01"
    assert not [w.value for w in at.warning if "link's" in w.value]
