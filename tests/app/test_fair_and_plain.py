"""AppTest: public pages' sidebar speaks plainly; the overview's headline tiles show figures that differ between areas."""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.views import values_vary

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "data"  # the illustrative demo data, named explicitly
JARGON = re.compile(r"\b(FTE|PCNs?|CCGs?|STPs?)\b")


@pytest.fixture(autouse=True)
def demo_data(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(DEMO))
    monkeypatch.setenv("ATSCALE_CONFIG", str(ROOT / "config.yaml"))


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["app_pages/plain_summary.py", "app_pages/glossary.py"])
def test_public_pages_sidebar_uses_plain_names_only(page):
    at = open_page(page)
    config = load_config(ROOT / "config.yaml")
    boxes = {box.key: box for box in at.sidebar.selectbox}
    words = []
    for box in boxes.values():
        words += [box.label, box.help or "", *box.options]
    jargon = [w for w in words if JARGON.search(w)]
    assert jargon == []
    indicator_options = boxes["indicator"].options
    assert len(indicator_options) == len(config.indicators)
    for definition, option in zip(config.indicators, indicator_options):
        assert option.endswith(definition.plain_name)
        assert definition.name not in option
    assert boxes["stp"].label == "Local health and care partnership"


def test_professional_pages_keep_technical_names():
    at = open_page("app_pages/overview.py")
    indicator = next(box for box in at.sidebar.selectbox if box.key == "indicator")
    assert any("GP FTE per 1,000 patients" in option for option in indicator.options)


def test_overview_headline_tiles_show_figures_that_differ_between_areas():
    at = open_page("app_pages/overview.py")
    config = load_config(ROOT / "config.yaml")
    data = load_data(config, DEMO)
    by_name = {d.name: d for d in config.indicators}
    shown = [by_name[metric.label] for metric in at.main.metric]
    assert len(shown) == len(config.domains)
    assert [d.domain for d in shown] == list(config.domains)
    for definition in shown:
        values = compute_indicator_values(definition, data, levels=("stp", "region"))
        assert values_vary(values, definition), f"{definition.id} is the same in every area"
    # config.yaml's headlines, where they differ between areas; never collaboration's 100% everywhere
    assert [d.id for d in shown] == [config.domains[d].headline for d in config.domains]
    assert "practices_collaborating" not in [d.id for d in shown]
