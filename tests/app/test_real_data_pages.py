"""AppTest: every page renders on real London data imported from ../shared/realdata (skipped when absent)."""
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from importers.dataset import run_import

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
FILES = [
    REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv",
    REALDATA / "gp-reg-pat-prac-all_2021-01_england.csv",
    REALDATA / "nhs-payments-to-general-practice_2018-19_england.csv",
    REALDATA / "pcn-workforce_2020-03_england.csv",
    REALDATA / "london_boroughs_excluding_mhw_wgs84.geojson",
    REALDATA / "fingertips-93553-imd2019_gp-practice_england.csv",
    *sorted(REALDATA.glob("appointments-gp-regional-csv_*.csv")),
]
PAGES_DIR = next((d for d in (ROOT / "app_pages", ROOT / "pages") if d.is_dir()), ROOT / "app_pages")
PAGES = sorted(PAGES_DIR.glob("*.py"))

pytestmark = pytest.mark.skipif(not all(f.exists() for f in FILES),
                                reason=f"the real NHS files are not in {REALDATA}")


@pytest.fixture(scope="module")
def real_data_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "my-data"
    report = run_import(FILES, out)
    assert not report.failed
    return out


@pytest.fixture(autouse=True)
def real_data_env(real_data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(real_data_dir))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def open_page(page: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(f"{PAGES_DIR.name}/{page.name}").run()
    return at


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_renders_on_real_data_without_exception(page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    # the sidebar labels the data as real; no file problems are reported
    assert any(s.value.startswith("**Real data.**") for s in at.success), [s.value for s in at.success]
    assert not [w.value for w in at.warning if "problems were found" in w.value]


def test_a_domain_without_public_data_says_so_instead_of_showing_a_figure():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = "vision_aware_all"
    at.run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info)
    assert "There is no public survey of who knows the STP's vision" in shown


def test_the_overview_map_draws_the_33_imported_borough_boundaries():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = "extended_hours_practices"
    at.run()
    assert not at.exception
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = deck["layers"][0]
    assert layer["@@type"] == "GeoJsonLayer"
    codes = {feature["properties"]["GSS_CODE"] for feature in layer["data"]["features"]}
    assert len(codes) == 33


def test_the_data_page_says_how_practices_were_placed_and_that_no_row_means_none(real_data_dir):
    at = open_page(PAGES_DIR / "data_and_indicators.py")
    assert not at.exception
    placements = next(table.value for table in at.dataframe if "placed by postcode" in table.value.columns)
    practices = pd.read_csv(real_data_dir / "practices.csv", dtype=str, keep_default_na=False)
    by_postcode = practices[practices["placement_source"] == "postcode"].groupby("borough_name").size()
    shown = placements.set_index("area")["placed by postcode"]
    assert shown[shown > 0].to_dict() == by_postcode.to_dict()
    assert placements["practices"].sum() == len(practices) == 1324
    text = " ".join(m.value for m in at.markdown)
    assert "Staff employed by Primary Care Networks" in text and "a census, so an area with no row" in text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_renders_on_another_regions_data(page, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.getbasetemp() / "north-west"
    if not folder.exists():
        report = run_import(FILES[:4], folder, region="North West")
        assert not report.failed
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(folder))
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("indicator, period, expected", [("appointments_per_1000", "2021-01-01", 183),
                                                       ("extended_hours_practices", "2018-04-01", 192)])
def test_a_practices_peers_are_the_practices_open_in_the_period(real_data_dir, indicator, period, expected):
    # South West London (QWE): 195 practices in practices.csv; 192 open in 2018-19, 183 in January 2021 (the period
    # list is the chosen indicator's own: an indicator with figures for that month)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in {"practice": "H83001", "indicator": indicator, "period": period, "peer_group": "stp"}.items():
        at.query_params[key] = value
    at.switch_page(f"{PAGES_DIR.name}/practice.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sentence = next(m.value for m in at.markdown if "this one included" in m.value)
    assert f"That is {expected:,} practices, this one included" in sentence.replace("\\", "")
