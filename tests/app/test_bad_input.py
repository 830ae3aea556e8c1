"""AppTest: broken inputs give a clear message naming file, row and field; every page still renders."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
CORE_PAGES = ["overview.py", "stp_profile.py", "borough_explorer.py", "data_and_indicators.py"]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(f"app_pages/{page}").run()
    return at


def problems_table(at: AppTest):
    """The validation report on the Data and indicators page (the last table on it)."""
    return at.dataframe[-1].value


@pytest.fixture
def small_config(monkeypatch):
    monkeypatch.setenv("ATSCALE_CONFIG", str(SMALL / "config.yaml"))


@pytest.mark.parametrize("case, file, row, field", [
    ("text_in_number", "registered_patients.csv", 3, "registered_patients"),
    ("negative_count", "extended_access.csv", 5, "appointments_per_week"),
    ("no_stp", "practices.csv", 5, "stp_code"),
    ("unknown_practice", "registered_patients.csv", 10, "practice_code"),
    ("ragged_row", "registered_patients.csv", 4, None),
    ("bad_period", "extended_access.csv", 7, "period"),
])
def test_data_page_names_the_file_row_and_field(case, file, row, field, small_config, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(BROKEN / case))
    at = open_page("data_and_indicators.py")
    assert not at.exception
    problems = problems_table(at)
    match = problems[(problems["file"] == file) & (problems["row"] == row)]
    assert len(match) == 1, problems
    if field:
        assert match["field"].iloc[0] == field
    assert "problems were found" in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("case", ["text_in_number", "no_stp", "missing_file", "empty_file", "missing_column",
                                  "missing_key_column", "ragged_first_row", "windows_1252"])
@pytest.mark.parametrize("page", CORE_PAGES)
def test_every_page_still_renders_on_broken_data(case, page, small_config, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(BROKEN / case))
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page showed nothing"


def test_a_missing_table_is_explained_where_its_indicator_would_be(small_config, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(BROKEN / "missing_file"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = "coverage"
    at.run()
    assert not at.exception
    assert any("could not be loaded" in i.value for i in at.info)


def test_text_in_a_number_keeps_the_other_practices(small_config, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(BROKEN / "text_in_number"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["indicator"] = "coverage"
    at.query_params["period"] = "2020-01-01"
    at.run()
    stps = at.dataframe[0].value
    # P2's list size is unreadable, so STP One is P1 + P3 only: (1000 + 2000) / (1000 + 2000) = 100%.
    assert stps.loc[stps["Area"] == "STP One", "Patients with extended access"].iloc[0] == 100.0
    assert stps.loc[stps["Area"] == "STP Two", "Patients with extended access"].iloc[0] == 100.0


@pytest.mark.parametrize("broken", ["config_duplicate_id.yaml", "config_unknown_domain.yaml",
                                    "config_missing_column.yaml", "config_wrong_type.yaml"])
def test_a_bad_indicator_is_reported_and_the_others_still_show(broken, monkeypatch):
    monkeypatch.setenv("ATSCALE_CONFIG", str(BROKEN / broken))
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(SMALL))
    at = open_page("data_and_indicators.py")
    assert not at.exception
    problems = problems_table(at)
    reported = problems[problems["file"] == broken]
    assert len(reported) >= 1 and reported["indicator"].iloc[0] and reported["field"].iloc[0]
    assert len(at.dataframe[0].value) >= 4  # the valid indicators are still in the catalogue


@pytest.mark.parametrize("broken", ["config_invalid_yaml.yaml", "config_top_level_list.yaml"])
def test_an_unreadable_config_gives_one_clear_error(broken, monkeypatch):
    monkeypatch.setenv("ATSCALE_CONFIG", str(BROKEN / broken))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any(broken in e.value for e in at.error)
