"""In a real browser, offline: the dashboard on another region's data (the England-scale illustrative data; North West
imported from the real national files) opens on that region's overview, compares its STPs and maps its places, and
never mentions London."""
import re

import pytest

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect


@pytest.fixture
def england_visit(england_server, visit):
    """A fresh browser context on the England-scale server (the same offline and error checks as `visit`)."""
    visit.base_url = england_server
    return visit


def test_the_overview_of_another_region_names_it_and_its_stps(england_visit):
    visit = england_visit
    visit.open("/")
    expect(visit.heading()).to_have_text("England overview")
    expect(visit.main.locator("h2").filter(has_text=re.compile(r"^The 42 STPs: "))).to_be_visible()
    expect(visit.main.locator("h2").filter(has_text=re.compile(r"^The 200 CCG areas: "))).to_be_visible()
    chart = visit.main.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(chart).to_contain_text("System 01")
    expect(visit.main.get_by_test_id("stDeckGlJsonChart").first.locator("canvas").first).to_be_visible()
    expect(visit.page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')).to_have_text(
        re.compile("England overview"))
    assert "London" not in visit.main.inner_text()
    assert "London" not in visit.sidebar.inner_text()
    assert visit.exceptions() == []
    visit.screenshot("england_overview")


def test_an_imported_region_opens_on_its_own_overview(north_west_server, visit, north_west_dir):
    import pandas as pd

    visit.base_url = north_west_server
    systems = sorted(set(pd.read_csv(north_west_dir / "practices.csv", dtype=str)["stp_name"]))
    visit.open("/?indicator=practices_in_pcn")  # an indicator the national files give
    expect(visit.heading()).to_have_text("North West overview")
    chart = visit.main.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(chart).to_contain_text(systems[0])
    expect(visit.main.get_by_test_id("stDeckGlJsonChart").first.locator("canvas").first).to_be_visible()
    assert "London" not in visit.main.inner_text()
    assert "London" not in visit.sidebar.inner_text()
    assert visit.exceptions() == []
    visit.screenshot("north_west_overview")
