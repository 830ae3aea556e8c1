"""AppTest: the borough explorer (the GP's page) opens on an indicator with practice figures and their funnel plot,
and its tables speak in words: months, headings, sensible decimals."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
PAGE = "app_pages/borough_explorer.py"


def open_explorer(data_dir: Path, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def first_indicators_with_figures(data_dir: Path) -> tuple[str | None, str | None]:
    """Worked out here the long way, every indicator computed: the first with a figure for a single practice,
    and the first with any figure."""
    from indicators.compute import compute_indicator_values
    from indicators.errors import IndicatorUnavailable

    config = load_config(ROOT / "config.yaml")
    data = load_data(config, data_dir)
    practice = anything = None
    for definition in config.indicators:
        try:
            values = compute_indicator_values(definition, data)
        except IndicatorUnavailable:
            continue
        if values["value"].notna().any():
            anything = anything or definition.id
        if values.loc[values["level"] == "practice", "value"].notna().any():
            practice = practice or definition.id
    return practice, anything


def test_the_explorer_opens_on_an_indicator_with_practice_figures_and_a_funnel(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    at = open_explorer(ROOT / "data")
    indicator = at.selectbox(key="indicator").value
    assert indicator == first_indicators_with_figures(ROOT / "data")[0] == "extended_access_appointments_per_1000"
    assert at.query_params["indicator"] == indicator
    assert not [i.value for i in at.info if "not measured practice by practice" in i.value]
    assert [s.value for s in at.subheader][:2] == ["Networks and practices", "Funnel plot: practices against London"]
    assert len(at.get("plotly_chart")) == 2  # the funnel and the trend


def test_on_the_real_data_which_have_no_practice_figures_the_explorer_opens_on_one_with_figures(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data" / "real"))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    at = open_explorer(ROOT / "data" / "real")
    practice, anything = first_indicators_with_figures(ROOT / "data" / "real")
    assert practice is None
    assert at.selectbox(key="indicator").value == anything
    assert not [i.value for i in at.info if i.value.startswith("No figure for this indicator")]


def test_the_explorer_tables_show_months_and_headings_in_words(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    at = open_explorer(ROOT / "data", indicator="gp_fte_per_1000")
    tables = [frame.value for frame in at.dataframe]
    assert tables
    for table in tables:
        assert not [c for c in table.columns if "_" in str(c) or str(c) in ("area_code", "fte_per_1000")]
        if "Period" in table.columns:
            assert table["Period"].str.match(r"^[A-Z][a-z]+ \d{4}$").all(), table["Period"].tolist()
        for column in table.columns:
            if "per 1,000" in str(column) and table[column].dtype.kind == "f":
                assert (table[column].dropna().round(2) == table[column].dropna()).all(), column
