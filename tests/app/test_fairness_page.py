"""AppTest: the fairness page on the illustrative data, on the real data, and on data with no deprivation deciles."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
PAGE = "app_pages/fairness.py"


def open_fairness(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Fairness: figures by deprivation"
    return at


def gaps(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "in the most deprived fifth of practices" in m.value]


def test_the_illustrative_data_by_deprivation_fifth_with_the_gap_in_words_and_a_download():
    at = open_fairness(indicator="extended_access_coverage")
    assert gaps(at) and gaps(at)[0].startswith("London: in the most deprived fifth of practices, ")
    assert "a gap of " in gaps(at)[0] or "no gap" in gaps(at)[0]
    assert any(i.value.startswith("**Illustrative data.**") for i in at.info)
    assert at.get("download_button")  # the table's CSV (and the chart's PNG)
    assert len(at.dataframe) == 1


@pytest.mark.skipif(not (ROOT / "data" / "real" / "practices.csv").exists(), reason="data/real is absent")
def test_the_real_data_by_deprivation_fifth(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data" / "real"))
    at = open_fairness(indicator="extended_hours_practices")
    assert gaps(at) and gaps(at)[0].startswith("London: in the most deprived fifth of practices, ")
    assert any(s.value.startswith("**Real data.**") for s in at.success)
    assert any("no deprivation decile, so they are in no fifth" in m.value for m in at.markdown)


@pytest.mark.skipif(not (ROOT / "data" / "real" / "practices.csv").exists(), reason="data/real is absent")
def test_an_indicator_counted_for_whole_systems_says_it_cannot_be_split(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data" / "real"))
    at = open_fairness(indicator="appointments_per_1000")
    assert not gaps(at)
    assert any("counted for whole STPs, not for each practice" in i.value for i in at.info)


def test_data_with_no_deprivation_deciles_say_so(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "small", folder)
    practices = pd.read_csv(folder / "practices.csv", dtype=str)
    practices["deprivation_decile"] = ""
    practices.to_csv(folder / "practices.csv", index=False)
    monkeypatch.setenv("ATSCALE_CONFIG", str(folder / "config.yaml"))
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(folder))
    at = open_fairness()
    assert not gaps(at)
    assert any("no deprivation decile for any practice" in i.value for i in at.info), [i.value for i in at.info]
