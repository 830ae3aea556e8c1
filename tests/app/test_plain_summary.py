"""AppTest: the plain-language summary per STP and borough, its link, its charts' words and numbers; the glossary."""
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.definitions import load_config
from indicators.glossary import GLOSSARY, compute_glossary_table
from indicators.readability import check_plain_language

ROOT = Path(__file__).parents[2]
STPS = {"QMJ": "North Central London", "QMF": "North East London", "QRV": "North West London",
        "QKK": "South East London", "QWE": "South West London"}
BOROUGHS = {  # the smallest (numbers too small to show), long names, and one from each part of London
    "E09000001": "City of London", "E09000020": "Kensington and Chelsea", "E09000022": "Lambeth",
    "E09000008": "Croydon", "E09000002": "Barking and Dagenham", "E09000007": "Camden",
}
DOMAIN_HEADINGS = [domain.plain_name for domain in load_config(ROOT / "config.yaml").domains.values()]
NATURAL_FREQUENCY = re.compile(r"\b(about|fewer than) \d+ in (10|20|100)\b|\babout half\b")
CHART_WORDS = "*What this chart shows:* "


@pytest.fixture(scope="module", autouse=True)
def fresh_caches():
    # Cleared once for the module: every area reads the same demo data, so they share its cache.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def open_summary(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/plain_summary.py").run()
    return at


def open_glossary() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/glossary.py").run()
    return at


def unescape(markdown: str) -> str:
    """The words a reader sees in an escaped markdown string (no backslashes, bold or italics)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "").replace("*", "").strip()


def page_prose(at: AppTest) -> str:
    """The page's text as read from the top: each markdown block on its own line, ended as a sentence."""
    lines = []
    for block in at.main.markdown:
        for line in unescape(block.value).splitlines():
            line = line.strip()
            if line:
                lines.append(line if line[-1] in ".!?" else f"{line}.")
    return "\n".join(lines)


@pytest.mark.parametrize("level, code, name", [("stp", code, name) for code, name in STPS.items()]
                         + [("borough", code, name) for code, name in BOROUGHS.items()],
                         ids=lambda value: value if isinstance(value, str) and value[:1] in "QE" else None)
def test_each_area_reads_plainly_with_a_heading_per_domain_and_a_described_chart(level, code, name):
    at = open_summary(summary_level=level, summary_area=code)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["In plain English"]
    assert at.main.header[0].value == name
    assert [unescape(h.value) for h in at.main.subheader] == DOMAIN_HEADINGS
    prose = page_prose(at)
    assert f"in {name}" in prose or f"in the {name}" in prose
    assert NATURAL_FREQUENCY.search(prose), prose
    assert check_plain_language(prose) == [], prose
    practices = pd.read_csv(ROOT / "data" / "practices.csv", dtype=str, keep_default_na=False)
    assert not [p for p in practices["practice_name"] if p and p in prose], "a practice is named"
    assert "Made-up figures." in " ".join(i.value for i in at.main.info)
    # every chart has its sentence in words and, in an expander, its numbers with a download
    charts = at.get("plotly_chart")
    described = [m for m in at.main.markdown if m.value.startswith(CHART_WORDS)]
    # one chart per domain, except where the area's numbers are all too small to show (in the City of
    # London, every figure about surgeries working together)
    assert len(charts) == len(described) == len(DOMAIN_HEADINGS) - (code == "E09000001")
    assert all(chart.proto.alt for chart in charts)
    numbers = [e for e in at.main.expander if e.label == "The numbers behind this chart"]
    assert len(numbers) == len(charts)
    for expander in numbers:
        table = expander.dataframe[0].value
        assert set(table["Area"]) == {name, "London"}
        assert "In words" in table.columns
        assert expander.get("download_button")[0].proto.label == "Download this table (CSV)"
    links = [link.proto.page for link in at.get("page_link")]
    assert "glossary" in links


def test_a_chart_sentence_and_its_table_say_the_same_first_and_last_figures():
    at = open_summary(summary_level="stp", summary_area="QKK")
    sentence = unescape(next(m.value for m in at.main.markdown if m.value.startswith(CHART_WORDS)))
    table = at.main.expander[0].dataframe[0].value
    area = table[table["Area"] == "South East London"]
    first, last = area["In words"].iloc[0], area["In words"].iloc[-1]
    # the trend word comes from the numbers: rose, fell (or stayed about the same)
    assert (f"In South East London, it rose from {first} to {last}." in sentence
            or f"In South East London, it fell from {first} to {last}." in sentence), sentence


def test_choosing_a_borough_and_an_area_keeps_both_in_the_url():
    at = open_summary()
    assert at.selectbox(key="summary_level").value == "stp"
    at.selectbox(key="summary_level").select("borough").run()
    assert not at.exception
    assert at.query_params["summary_level"] in ("borough", ["borough"])
    at.selectbox(key="summary_area").select("E09000028").run()
    assert not at.exception
    assert at.query_params["summary_area"] in ("E09000028", ["E09000028"])
    assert at.main.header[0].value == "Southwark"
    assert "In Southwark," in page_prose(at)


def test_a_shared_link_reopens_the_same_area_summary():
    at = open_summary(summary_level="borough", summary_area="E09000020")
    assert at.selectbox(key="summary_level").value == "borough"
    assert at.selectbox(key="summary_area").value == "E09000020"
    assert at.main.header[0].value == "Kensington and Chelsea"


def test_the_first_period_reads_plainly_with_one_dot_per_chart_and_no_change_told():
    at = open_summary(summary_level="borough", summary_area="E09000022", period="2017-04-01")
    assert not at.exception
    prose = page_prose(at)
    assert "The figures are for April 2017, unless we say otherwise." in prose
    assert "The chart has one dot for Lambeth and one for London as a whole." in prose
    assert "since April 2017" not in prose
    assert check_plain_language(prose) == [], prose


def test_a_link_to_an_unknown_area_falls_back_to_a_real_one_without_error():
    at = open_summary(summary_level="ward", summary_area="<script>")
    assert not at.exception
    assert at.selectbox(key="summary_level").value == "stp"
    assert at.selectbox(key="summary_area").value in STPS
    assert at.main.header[0].value in STPS.values()


def test_the_summary_can_be_downloaded_as_plain_text():
    at = open_summary(summary_level="stp", summary_area="QWE")
    assert "Download this summary (text file)" in [b.proto.label for b in at.get("download_button")]
    assert not at.exception


def test_the_glossary_lists_every_term_and_search_narrows_it():
    at = open_glossary()
    assert not at.exception
    assert [t.value for t in at.title] == ["Glossary"]
    entries = [m for m in at.main.markdown if m.value.startswith("**")]
    assert len(entries) == len(GLOSSARY)
    at.text_input(key="glossary_search").input("network").run()
    shown = [unescape(m.value).splitlines()[0].strip() for m in at.main.markdown if m.value.startswith("**")]
    assert shown[0] == "Primary Care Network (PCN)"
    assert 1 < len(shown) < len(GLOSSARY)
    assert "borough" not in shown
    at.text_input(key="glossary_search").input("fte").run()
    shown = [unescape(m.value).splitlines()[0].strip() for m in at.main.markdown if m.value.startswith("**")]
    assert shown == ["Full-time equivalent (FTE)"]


def test_a_glossary_search_with_no_match_says_so_and_shows_the_words_typed_as_text():
    at = open_glossary()
    at.text_input(key="glossary_search").input("**[click](http://example.com)**").run()
    assert not at.exception
    message = next(i.value for i in at.main.info if i.value.startswith("No word"))
    assert "\\[click\\]" in message and "\\*\\*" in message
    assert not [m for m in at.main.markdown if m.value.startswith("**")]


def test_the_glossary_download_holds_every_term_even_while_searching():
    at = open_glossary()
    at.text_input(key="glossary_search").input("network").run()
    assert [b.proto.label for b in at.get("download_button")] == ["Download the glossary (CSV)"]
    assert [link.proto.page for link in at.get("page_link")] == ["plain_summary"]
    table = compute_glossary_table(list(GLOSSARY))
    assert list(table.columns) == ["Term", "Also called", "What it means"]
    assert len(table) == len(GLOSSARY) and table["What it means"].str.len().min() > 0
    assert "Primary Care Network (PCN)" in set(table["Term"])


# --- text alternatives everywhere: every chart and map has a sentence in words and its numbers as a table ---

def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "overview.py":
        at.switch_page(f"app_pages/{page}").run()
    return at


def assert_every_chart_has_words_and_numbers(at: AppTest) -> int:
    assert not at.exception, [e.value for e in at.exception]
    plots, maps = at.get("plotly_chart"), at.get("deck_gl_json_chart")
    assert all(chart.proto.alt for chart in plots), "a chart has no alt text for screen readers"
    assert all(deck.proto.alt for deck in maps), "a map has no alt text for screen readers"
    written = [m for m in at.main.markdown if m.value.startswith(("*What this chart shows:* ", "*What this map shows:* "))]
    assert len(written) == len(plots) + len(maps), "a chart's alt text is not written on the page"
    assert len(at.main.dataframe) >= len(plots) + len(maps), "a chart has no table of its numbers"
    return len(plots) + len(maps)


@pytest.mark.parametrize("page, query", [
    ("overview.py", {"indicator": "extended_access_coverage"}),
    ("borough_explorer.py", {"indicator": "gp_fte_per_1000", "borough": "E09000022"}),
    ("plain_summary.py", {"summary_level": "borough", "summary_area": "E09000008"}),
], ids=["overview", "borough_explorer", "plain_summary"])
def test_every_chart_and_map_on_the_page_has_words_and_numbers(page, query):
    at = open_page(page, **query)
    assert assert_every_chart_has_words_and_numbers(at) >= 2


def test_every_trend_chart_on_the_stp_profile_has_its_numbers_in_every_area_of_work():
    at = open_page("stp_profile.py", stp="QKK")
    for domain_id in at.selectbox(key="stp_profile_domain").options:
        at.selectbox(key="stp_profile_domain").select(domain_id).run()
        assert assert_every_chart_has_words_and_numbers(at) >= 3
        trend_tables = [e for e in at.main.expander if e.label == "The numbers behind this chart"]
        assert trend_tables and all(set(e.dataframe[0].value["Area"]) == {"South East London", "London"}
                                    for e in trend_tables)


# --- real London data: many figures are missing there, and the reasons were written for specialists ---

REALDATA = ROOT.parent / "shared" / "realdata"
REAL_FILES = [REALDATA / name for name in (
    "gp-reg-pat-prac-map_2020-09_england.csv", "gp-reg-pat-prac-all_2021-01_england.csv",
    "nhs-payments-to-general-practice_2018-19_england.csv", "pcn-workforce_2020-03_england.csv")]


@pytest.fixture(scope="module")
def real_data_dir(tmp_path_factory):
    if not all(path.exists() for path in REAL_FILES):
        pytest.skip(f"the real NHS files are not in {REALDATA}")
    from importers.dataset import run_import
    out = tmp_path_factory.mktemp("real") / "data"
    assert not run_import(REAL_FILES, out).failed
    return out


@pytest.mark.parametrize("level, code, name", [("stp", "QKK", "Our Healthier South East London"),  # the mapping's name
                                               ("borough", "E09000033", "Westminster")])
def test_on_real_data_the_summary_stays_plain_and_says_which_figures_are_missing(
        real_data_dir, monkeypatch, level, code, name):
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(real_data_dir))
    st.cache_data.clear()
    at = open_summary(summary_level=level, summary_area=code)
    assert not at.exception and not at.error
    assert at.main.header[0].value == name
    assert "Real figures." in " ".join(s.value for s in at.main.success)
    prose = page_prose(at)
    assert check_plain_language(prose) == [], prose
    assert "We have no figures for this, so we cannot say how this area is doing." in prose
    assert ".csv" not in prose and "NHS files" not in prose
    st.cache_data.clear()
