"""AppTest: every page renders on the demo data, the shared selections drive the views, bad input is explained."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
FIXTURES = ROOT / "tests" / "fixtures"
PAGE_TITLES = {
    "overview.py": "London overview",
    "stp_profile.py": "STP profile",
    "briefing.py": "Briefing pack",
    "borough_explorer.py": "Borough explorer",
    "practice.py": "Practice view",
    "fairness.py": "Fairness: figures by deprivation",
    "data_and_indicators.py": "Data and indicators",
    "plain_summary.py": "In plain English",
    "glossary.py": "Glossary",
    "presenter.py": "General practice at scale in London",  # slide 1's headline is the presenter's only title
    "forum_facilitator.py": "Forum: facilitator",
    "forum_plenary.py": "Forum: plenary",
    "forum_table.py": "Forum: your table",
}


def open_app(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}").run()
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_renders_its_own_title_without_exception(page):
    at = open_app(page.name)
    assert not at.exception, [e.value for e in at.exception]
    expected = PAGE_TITLES[page.name]  # a new page adds its title here
    assert any(t.startswith(expected) for t in titles(at)), titles(at)


def test_overview_shows_a_tile_per_domain_the_five_stps_and_a_map():
    at = open_app()
    assert titles(at) == ["London overview"]
    assert len(at.metric) == 4
    assert all(m.value.endswith("%") or m.value[0].isdigit() for m in at.metric)
    stp_chart = plotly_specs(at)[0]
    plotted = json.dumps(stp_chart)
    for name in ("North Central London", "North East London", "North West London", "South East London",
                 "South West London"):
        assert name in plotted
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert deck["mapStyle"].startswith("data:application/json,")
    assert "Illustrative data" in " ".join(i.value for i in at.info)


def test_changing_the_indicator_changes_the_overview_chart():
    at = open_app()
    before = json.dumps(plotly_specs(at)[0])
    at.selectbox(key="indicator").select("gp_fte_per_1000").run()
    assert not at.exception
    after = json.dumps(plotly_specs(at)[0])
    assert before != after
    assert "GP FTE per 1,000 patients" in [h.value for h in at.header][1]


def test_changing_the_stp_changes_the_profile():
    at = open_app("stp_profile.py")
    assert titles(at)[0] == "STP profile: North Central London"
    at.selectbox(key="stp").select("QWE").run()
    assert at.query_params["stp"] == "QWE"
    assert not at.exception
    assert titles(at)[0] == "STP profile: South West London"
    table = at.dataframe[0].value
    assert "Croydon" in set(table["Area"]) and "Camden" not in set(table["Area"])


def test_changing_the_borough_and_period_changes_the_explorer():
    at = open_app("borough_explorer.py")
    at.selectbox(key="borough").select("E09000028").run()
    assert titles(at)[0] == "Borough explorer: Southwark"
    assert "Peckham" not in " ".join(at.dataframe[0].value["Area"])  # invented names only
    at.selectbox(key="period").select("2018-04-01").run()
    assert not at.exception
    assert set(at.dataframe[0].value["Period"]) == {"April 2018"}  # months in words on screen


def test_a_shared_link_reopens_the_same_view():
    at = open_app(stp="QKK", indicator="nurse_fte_per_1000", period="2019-04-01")
    assert at.selectbox(key="stp").value == "QKK"
    assert at.selectbox(key="indicator").value == "nurse_fte_per_1000"
    assert at.selectbox(key="period").value == "2019-04-01"
    at.switch_page("app_pages/stp_profile.py").run()
    assert titles(at)[0] == "STP profile: South East London"
    assert set(at.dataframe[0].value["Period"]) == {"April 2019"}


def test_data_page_lists_every_indicator_from_the_yaml():
    at = open_app("data_and_indicators.py")
    import yaml
    ids = [entry["id"] for entry in yaml.safe_load((ROOT / "config.yaml").read_text())["indicators"]]
    catalogue = at.dataframe[0].value
    assert list(catalogue["id"]) == ids


def test_a_new_indicator_in_the_yaml_appears_without_code_change(tmp_path, monkeypatch):
    import yaml
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["indicators"].append({**config["indicators"][-2], "id": "brand_new", "name": "A brand new indicator"})
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("ATSCALE_CONFIG", str(tmp_path / "config.yaml"))
    at = open_app(indicator="brand_new")
    assert not at.exception
    assert at.selectbox(key="indicator").value == "brand_new"
    assert "Workforce mix: A brand new indicator" in at.selectbox(key="indicator").options
    assert "A brand new indicator" in " ".join(h.value for h in at.header)


def test_broken_config_shows_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text("tables: [this is: not: valid")
    monkeypatch.setenv("ATSCALE_CONFIG", str(tmp_path / "config.yaml"))
    for page in PAGES:
        at = open_app(page.name)
        assert not at.exception
        assert any("config.yaml" in e.value or "cannot be shown" in e.value for e in at.error), page.name


def test_missing_data_folder_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(tmp_path / "nowhere"))
    at = open_app("data_and_indicators.py")
    assert not at.exception
    problems = at.dataframe[-1].value
    assert "practices.csv" in set(problems["file"])


def test_a_table_download_keeps_a_formula_from_a_data_file_as_text():
    """Practice and area names come from data files: a name like '=HYPERLINK(...)' must not run in a spreadsheet."""
    import pandas as pd

    from components.layout import write_csv

    table = pd.DataFrame({"Practice": ['=HYPERLINK("http://x","click")', "Old Street Surgery"], "Value": [-1.5, 2]})
    text = write_csv(table).decode("utf-8")
    assert "'=HYPERLINK" in text
    assert "\r\n-1.5" not in text and ",-1.5\r\n" in text  # numbers stay numbers


def test_the_data_page_says_what_must_be_said_with_the_data(tmp_path, monkeypatch):
    from importers.dataset import run_import

    fixtures = ROOT / "tests" / "fixtures" / "import"
    payments = tmp_path / "payments_2019-20.csv"
    payments.write_bytes((fixtures / "payments_2018-19.csv").read_bytes())
    run_import([fixtures / "practice_mapping.csv", payments], tmp_path / "data")
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(tmp_path / "data"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/data_and_indicators.py").run()
    assert not at.exception
    assert any("ended on 30 June 2019" in warning.value for warning in at.warning)
