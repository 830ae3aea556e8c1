"""AppTest: the Practice view finds a practice, keeps it and the peer group in the URL, and explains gaps."""
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.layout import escape_markdown

ROOT = Path(__file__).resolve().parents[2]
PAGE = "app_pages/practice.py"
PRACTICES = pd.read_csv(ROOT / "data" / "practices.csv", dtype=str, keep_default_na=False)
REALDATA = ROOT.parent / "shared" / "realdata"
REAL_FILES = [
    REALDATA / "gp-reg-pat-prac-map_2020-09_england.csv",
    REALDATA / "gp-reg-pat-prac-all_2021-01_england.csv",
    REALDATA / "nhs-payments-to-general-practice_2018-19_england.csv",
    REALDATA / "pcn-workforce_2020-03_england.csv",
]


def open_practice_page(**query) -> AppTest:
    """The page as a shared link opens it: query parameters first, then the page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def name_of(code: str) -> str:
    return PRACTICES.loc[PRACTICES["practice_code"] == code, "practice_name"].iloc[0]


def codes_in(district: str) -> set[str]:
    return set(PRACTICES.loc[PRACTICES["postcode_district"] == district, "practice_code"])


def table_downloads(at: AppTest) -> list:
    """The CSV download buttons (charts may have their own picture downloads)."""
    return [button for button in at.get("download_button") if "CSV" in button.label]


def title(at: AppTest) -> str:
    return at.title[0].value


def test_searching_by_ods_code_selects_that_practice_and_puts_it_in_the_url():
    at = open_practice_page()
    at.text_input(key="practice_search").input("demo0500 ").run()
    assert not at.exception
    assert at.selectbox(key="practice").value == "DEMO0500"
    assert at.query_params["practice"] == "DEMO0500"
    assert title(at) == f"Practice view: {escape_markdown(name_of('DEMO0500'))}"


def test_a_postcode_district_finds_only_that_district():
    assert codes_in("SE1") and codes_in("SE15")
    at = open_practice_page()
    at.text_input(key="practice_search").input("SE1").run()
    practice = at.selectbox(key="practice")
    assert set(practice.options) == {label for label in practice.options if ", SE1, " in label}
    assert len(practice.options) == len(codes_in("SE1"))  # SE15, SE10 ... are other districts
    assert practice.value in codes_in("SE1")
    assert at.query_params["practice"] == practice.value


def test_a_shared_link_reopens_the_same_practice_and_peer_group():
    at = open_practice_page(practice="DEMO1074", peer_group="list_size")
    assert title(at) == f"Practice view: {escape_markdown(name_of('DEMO1074'))}"
    assert at.selectbox(key="practice").value == "DEMO1074"
    assert at.selectbox(key="peer_group").value == "list_size"
    assert "within 25% of this practice's" in " ".join(m.value for m in at.markdown)


def test_changing_the_peer_group_changes_the_rank_table_and_the_url():
    at = open_practice_page(practice="DEMO1074")
    assert at.selectbox(key="peer_group").value == "stp"
    in_stp = at.dataframe[-1].value
    at.selectbox(key="peer_group").select("region").run()
    assert not at.exception
    assert at.query_params["peer_group"] == "region"
    in_london = at.dataframe[-1].value
    assert list(in_london.columns) == list(in_stp.columns)
    assert in_london["Practices with a figure"].max() > in_stp["Practices with a figure"].max()
    assert list(in_london["Rank among peers"]) != list(in_stp["Rank among peers"])
    assert all(" of " in text or text.startswith("Not ranked") for text in in_london["Rank among peers"])
    assert not set(PRACTICES["practice_name"]) & set(in_london.astype(str).to_numpy().ravel())  # no league table


def test_the_practice_is_shown_beside_its_areas_with_a_chart_tables_and_downloads():
    at = open_practice_page(practice="DEMO1074")
    assert len(at.get("plotly_chart")) == 1
    levels = at.dataframe[0].value
    assert {"This practice", "95% confidence interval", "Compared with London", "Its PCN", "Its borough", "Its STP",
            "London"} <= set(levels.columns)
    assert set(levels["Compared with London"]) <= {"Better than London", "Similar to London", "Worse than London",
                                                    "Higher than London", "Lower than London", "Not compared",
                                                    "Not compared: too few to show"}
    missing = at.dataframe[1].value
    assert "Respondents aware of the STP vision" in set(missing["Indicator"])  # a borough-level survey
    assert len(table_downloads(at)) == len(at.dataframe) == 3
    text = " ".join(m.value for m in at.markdown).replace("\\", "")  # the words as shown, without markdown escapes
    for explained in ("Primary Care Network (PCN", "STP (Sustainability and Transformation Partnership",
                      "ODS code"):
        assert explained in text or explained in at.text_input(key="practice_search").help


def test_a_search_with_no_match_says_so_and_keeps_a_practice_shown():
    at = open_practice_page(practice="DEMO1074")
    at.text_input(key="practice_search").input("no such surgery <b>").run()
    assert not at.exception
    assert any("No practice matches" in w.value for w in at.warning)
    assert at.selectbox(key="practice").value == "DEMO1074"
    assert title(at).startswith("Practice view: ")


def test_a_link_to_an_unknown_practice_is_explained():
    at = open_practice_page(practice="NOTACODE")
    shown = at.selectbox(key="practice").value
    assert shown in set(PRACTICES["practice_code"])
    notices = [w.value for w in at.warning if "The link's practice is not one this page can show" in w.value]
    assert len(notices) == 1 and escape_markdown(name_of(shown)) in notices[0]
    assert not [w for w in at.warning if "NOTACODE" in w.value]  # the link's own text is never repeated


@pytest.fixture(scope="module")
def real_data_dir(tmp_path_factory):
    if not all(f.exists() for f in REAL_FILES):
        pytest.skip(f"the real NHS files are not in {REALDATA}")
    from importers.dataset import run_import

    out = tmp_path_factory.mktemp("real") / "my-data"
    assert not run_import(REAL_FILES, out).failed
    return out


def test_a_real_practice_with_no_deprivation_decile_gets_a_clear_message(real_data_dir, monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(real_data_dir))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    real = pd.read_csv(real_data_dir / "practices.csv", dtype=str, keep_default_na=False)
    code = real.loc[real["deprivation_decile"] == "", "practice_code"].iloc[0]
    at = open_practice_page(practice=code, peer_group="deprivation")
    assert at.selectbox(key="practice").value == code
    assert at.query_params["peer_group"] == "deprivation"
    assert any("no deprivation decile" in w.value and "Choose another peer group" in w.value for w in at.warning)
    assert not at.error
    assert len(table_downloads(at)) == len(at.dataframe)
    at.selectbox(key="peer_group").select("stp").run()
    assert not at.exception
    assert not any("no deprivation decile" in w.value for w in at.warning)


def test_choosing_a_practice_moves_the_sidebars_stp_and_borough_to_its_own(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    at = open_practice_page()
    chosen = PRACTICES[PRACTICES["borough_code"] != at.selectbox(key="borough").value].iloc[0]
    at.selectbox(key="practice").select(chosen["practice_code"]).run()
    assert not at.exception
    assert at.selectbox(key="practice").value == chosen["practice_code"]
    assert (at.selectbox(key="stp").value, at.selectbox(key="borough").value) == (chosen["stp_code"],
                                                                                   chosen["borough_code"])
    assert (at.session_state["stp"], at.session_state["borough"]) == (chosen["stp_code"], chosen["borough_code"])
    assert (at.query_params["stp"], at.query_params["borough"]) == (chosen["stp_code"], chosen["borough_code"])


def test_a_shared_link_to_a_practice_shows_its_own_borough_in_the_sidebar(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    practice = PRACTICES.iloc[-1]
    other = PRACTICES[PRACTICES["stp_code"] != practice["stp_code"]].iloc[0]
    at = open_practice_page(practice=practice["practice_code"], stp=other["stp_code"], borough=other["borough_code"])
    assert at.selectbox(key="practice").value == practice["practice_code"]
    assert (at.selectbox(key="stp").value, at.selectbox(key="borough").value) == (practice["stp_code"],
                                                                                   practice["borough_code"])


def test_choosing_another_borough_in_the_sidebar_shows_one_of_its_practices(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    at = open_practice_page()
    other = PRACTICES[PRACTICES["borough_code"] != at.selectbox(key="borough").value].iloc[0]
    at.selectbox(key="borough").select(other["borough_code"]).run()
    assert not at.exception
    shown = PRACTICES.loc[PRACTICES["practice_code"] == at.selectbox(key="practice").value].iloc[0]
    assert shown["borough_code"] == other["borough_code"]
    assert at.selectbox(key="borough").value == other["borough_code"]  # not moved back


def test_the_practice_tables_show_months_and_words_not_codes(monkeypatch):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    at = open_practice_page()
    for frame in at.dataframe:
        table = frame.value
        assert not [c for c in table.columns if "_" in str(c)], table.columns
        if "Period" in table.columns:
            assert table["Period"].str.match(r"^[A-Z][a-z]+ \d{4}$").all(), table["Period"].tolist()
