"""AppTest: the Data page attributes the real data (licence, sources, coverage), counts the practices placed by
postcode per borough (or says it is not recorded) and says what a missing row means."""
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
REAL = ROOT / "data" / "real"

pytestmark = pytest.mark.skipif(not (REAL / "practices.csv").exists(), reason="data/real is absent")


def open_data_page(folder: Path) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/data_and_indicators.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.info, *at.warning)]


def test_the_real_data_are_attributed_with_their_licence_sources_and_coverage(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(REAL))
    at = open_data_page(REAL)
    assert any(t.startswith("**Licence.**") and "Open Government Licence v3" in t for t in texts(at))
    assert any(t.startswith("**Sources.**") for t in texts(at))
    assert any(t.startswith("Coverage \\(appointments\\):") and "South West London" in t for t in texts(at))
    assert any("When a file has no row for an area" in h.value for h in at.subheader)
    has_column = "placement_source" in pd.read_csv(REAL / "practices.csv", nrows=0).columns
    if not has_column:
        assert any("Practices placed by postcode: not recorded" in t for t in texts(at))


def test_practices_placed_by_postcode_are_counted_per_borough(tmp_path, monkeypatch):
    folder = tmp_path / "real"
    shutil.copytree(REAL, folder)
    practices = pd.read_csv(folder / "practices.csv", dtype=str, keep_default_na=False)
    practices["placement_source"] = ["postcode" if i % 10 == 0 else "ccg" for i in range(len(practices))]
    practices.to_csv(folder / "practices.csv", index=False)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(folder))
    at = open_data_page(folder)
    expected = sum(i % 10 == 0 for i in range(len(practices)))
    assert any(t.startswith(f"{expected:,} of ") and "postcode district" in t for t in texts(at)), texts(at)
    table = next(frame.value for frame in at.dataframe if "placed by postcode" in frame.value.columns)
    assert table["placed by postcode"].sum() == expected
    assert table["practices"].sum() == len(practices)


def test_the_illustrative_data_say_placement_is_not_recorded(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    at = open_data_page(ROOT / "data")
    assert any("Practices placed by postcode: not recorded" in t for t in texts(at))
    assert not any(t.startswith("**Licence.**") for t in texts(at))
