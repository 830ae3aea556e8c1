"""Contract: the real config.yaml and the committed demo data in data/ agree, and every indicator computes."""
from pathlib import Path

import pytest

from indicators.compute import LEVELS, RESULT_COLUMNS, compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.errors import IndicatorUnavailable

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config.yaml")


@pytest.fixture(scope="module")
def data():
    assert (ROOT / "data" / "practices.csv").exists(), "data/ has no demo data: run python scripts/make_demo_data.py"
    return load_data(CONFIG, ROOT / "data")


def test_config_has_no_problems():
    assert CONFIG.problems == ()


def test_demo_data_load_without_errors_and_are_labelled(data):
    assert [str(problem) for problem in data.errors] == []
    assert data.label == "illustrative"
    assert data.title
    optional_files = {spec.file for spec in CONFIG.tables.values() if spec.optional}
    assert {report.name: report.status for report in data.files
            if report.status != "loaded" and report.name not in optional_files} == {}


def test_every_table_in_the_config_is_in_data(data):
    required = {name: spec for name, spec in CONFIG.tables.items() if not spec.optional}
    assert sorted(data.tables) == sorted(required)
    for name, spec in required.items():
        assert list(data.tables[name].columns) == [spec.key, "period", *spec.column_types], name
        assert len(data.tables[name]) > 0, name


def test_geography_is_london_shaped(data):
    geography = data.geography
    assert set(geography["stp_code"]) == {"QMJ", "QMF", "QRV", "QKK", "QWE"}
    assert geography["borough_code"].str.fullmatch(r"E090000(0[1-9]|[12]\d|3[0-3])").all()
    assert geography["practice_code"].is_unique


REQUIRED_INDICATORS = [d for d in CONFIG.indicators if not any(CONFIG.tables[t].optional for t in d.tables)]


@pytest.mark.parametrize("definition", REQUIRED_INDICATORS, ids=lambda definition: definition.id)
def test_every_indicator_computes_with_region_values_for_every_period(definition, data):
    values = compute_indicator_values(definition, data)  # raises IndicatorUnavailable if a table is missing
    assert list(values.columns) == list(RESULT_COLUMNS)
    assert not values.empty
    assert set(values["level"]) <= set(LEVELS)
    london = values.loc[values["level"] == "region"].set_index("period")
    assert sorted(london.index) == sorted(set(values["period"]))
    # a period whose London denominator is 0 has no data (e.g. no PCNs before July 2019): no value then
    with_data = london["denominator"] > 0
    assert with_data.any(), "no period has data"
    missing = list(london.index[with_data & london["value"].isna()])
    assert missing == [], f"London has no value in {missing}"
    assert london.loc[~with_data, "value"].isna().all()
    assert set(values.loc[values["level"] == "stp", "area_code"]) == {"QMJ", "QMF", "QRV", "QKK", "QWE"}
    shown = values.loc[~values["suppressed"], "value"]
    assert (shown >= 0).all()
    if definition.unit == "%":
        assert (shown <= 100).all()


def test_an_optional_table_that_is_absent_says_so_instead_of_failing(data):
    forum = next(d for d in CONFIG.indicators if d.id == "forum_vision_aware")
    with pytest.raises(IndicatorUnavailable, match="no figure"):
        compute_indicator_values(forum, data)
