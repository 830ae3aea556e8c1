"""In a real browser: with no data folder set, the dashboard opens on the real data; the sidebar's choice switches
to the illustrative data, keeps it in the address, and a reload of that address stays on it."""
import re
from pathlib import Path

import pytest

pw = pytest.importorskip("playwright.sync_api")
expect = pw.expect
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not (ROOT / "data" / "real" / "practices.csv").exists(), reason="data/real is absent")


@pytest.fixture
def default_visit(default_data_server, visit):
    visit.base_url = default_data_server
    return visit


def test_real_data_by_default_and_the_illustrative_data_one_click_away(default_visit):
    visit = default_visit
    visit.open("/")
    expect(visit.heading()).to_have_text("London overview")
    expect(visit.sidebar).to_contain_text("Real data.")
    expect(visit.page).to_have_url(re.compile(r"[?&]data=real"))
    visit.sidebar.get_by_text("Illustrative data", exact=True).click()
    visit.wait_for_app_run()
    expect(visit.page).to_have_url(re.compile(r"[?&]data=illustrative"))
    expect(visit.sidebar).to_contain_text("Illustrative data.")
    expect(visit.main).not_to_contain_text("Real data.")
    visit.page.reload()
    visit.wait_for_app_run()
    expect(visit.sidebar).to_contain_text("Illustrative data.")
    assert visit.exceptions() == []
