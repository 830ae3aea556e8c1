"""AppTest: presenter mode steps through the deck by button and by URL, keeps the sidebar out of the way, explains gaps."""
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from forum.models import MATURITY_DOMAINS, FacilitatorCredentials, RoleCount, TableAnswer
from forum.store import open_forum_store
from indicators.compute import has_region_figures
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.slides import load_deck

ROOT = Path(__file__).parents[2]
CONFIG = load_config(ROOT / "config.yaml")
DATA = load_data(CONFIG, ROOT / "data")
DECK = load_deck(ROOT / "slides.yaml", CONFIG, DATA.areas,  # stp: each expanded, optional slides as the app leaves them
                 has_figures=lambda indicator_id: has_region_figures(CONFIG.indicator(indicator_id), DATA)).slides
FIRST_HEADLINE = "General practice at scale in London: where we are in January 2021"
THIRD_HEADLINE = "North Central London: 99.2% of patients can get an evening or weekend appointment"
NO_VISION_SURVEY = "There is no public survey of who knows the STP's vision for general practice at scale."


@pytest.fixture(autouse=True)
def presenter_env(tmp_path, monkeypatch):
    monkeypatch.delenv("ATSCALE_SLIDES", raising=False)
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(ROOT / "data"))
    monkeypatch.delenv("ATSCALE_DATABASE_URL", raising=False)
    monkeypatch.setenv("ATSCALE_FORUM_DIR", str(tmp_path / "forum"))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def open_presenter(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.run()
    at.switch_page("app_pages/presenter.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def headline(at: AppTest) -> str:
    return at.title[0].value


def position(at: AppTest) -> str:
    return at.markdown[0].value


def write_deck(tmp_path, monkeypatch, slides: list[dict]) -> None:
    path = tmp_path / "slides.yaml"
    path.write_text(yaml.safe_dump({"slides": slides}), encoding="utf-8")
    monkeypatch.setenv("ATSCALE_SLIDES", str(path))


def test_the_first_slide_shows_its_headline_in_large_type_and_says_the_data_are_illustrative():
    at = open_presenter()
    assert [t.value for t in at.title] == [FIRST_HEADLINE]
    assert position(at).startswith(f"**Slide 1 of {len(DECK)}** · ℹ️ Illustrative data")
    assert at.query_params["slide"] == "1"
    # collaboration's headline is config.yaml's (shared records), not the 100.0% that is the same everywhere
    assert [m.value for m in at.metric] == ["22.5%", "90.0%", "97.9%", "0.56 :small[per 1,000 patients]"]
    assert at.button(key="presenter_previous").disabled


def test_next_and_previous_step_through_the_slides_and_the_url_follows():
    at = open_presenter()
    at.button(key="presenter_next").click().run()
    assert not at.exception
    assert at.query_params["slide"] == "2"
    assert position(at).startswith(f"**Slide 2 of {len(DECK)}**")
    assert headline(at) == ("97.9% of patients in London can see a GP in the evening or at the weekend. The target is "
                            "97.0%.")
    at.button(key="presenter_next").click().run()
    assert at.query_params["slide"] == "3"
    assert headline(at) == THIRD_HEADLINE
    at.button(key="presenter_previous").click().run()
    at.button(key="presenter_previous").click().run()
    assert at.query_params["slide"] == "1"
    assert headline(at) == FIRST_HEADLINE


def test_a_link_with_a_slide_number_opens_that_slide():
    at = open_presenter(slide=3)
    assert headline(at) == THIRD_HEADLINE
    assert position(at).startswith(f"**Slide 3 of {len(DECK)}**")
    assert not at.warning
    at.button(key="presenter_next").click().run()
    assert at.query_params["slide"] == "4"
    assert headline(at).startswith("North East London: ")


def test_the_last_slide_has_no_next():
    at = open_presenter(slide=len(DECK))
    assert at.button(key="presenter_next").disabled
    assert not at.button(key="presenter_previous").disabled


@pytest.mark.parametrize("asked", ["99", "0", "three", "-1", "²", "2.5", "9" * 5000, "[x](https://example.org)"])
def test_a_slide_number_not_in_the_deck_opens_slide_1_with_a_notice(asked):
    at = open_presenter(slide=asked)
    assert headline(at) == FIRST_HEADLINE
    assert at.query_params["slide"] == "1"
    assert [w.value for w in at.warning] == [
        f"The link's slide number (this deck has slides 1 to {len(DECK)}) is not one this page can show. Showing slide 1 instead."]


def test_the_slide_list_jumps_to_a_slide():
    at = open_presenter()
    jump = at.selectbox(key="presenter_jump")
    assert jump.value == 1
    assert jump.options[10] == "11. Signal or noise (SPC): Patients with extended access (8am to 8pm, 7 days)"
    assert jump.options[11] == "12. Domain: Workforce mix"
    jump.select(7).run()
    assert at.query_params["slide"] == "7"
    assert headline(at).startswith("South West London: ")
    assert at.selectbox(key="presenter_jump").value == 7


def test_the_shared_sidebar_filters_are_not_shown_while_presenting():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.sidebar.selectbox(key="stp")  # on the overview the shared filters are there ...
    at.switch_page("app_pages/presenter.py").run()
    assert not at.exception
    assert "stp" not in [s.key for s in at.sidebar.selectbox]  # ... and gone while presenting
    assert not [s for s in at.selectbox if s.key in ("stp", "borough", "indicator", "period")]
    assert "Page Down" in " ".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("number", range(1, len(DECK) + 1))
def test_every_slide_of_the_default_deck_renders(number):
    at = open_presenter(slide=number)
    assert position(at).startswith(f"**Slide {number} of {len(DECK)}**")
    assert len(at.title) == 1 and at.title[0].value
    assert not at.error, [e.value for e in at.error]
    charts = at.get("plotly_chart")
    assert len(charts) <= 1  # one message per screen: at most one chart
    for chart in charts:
        layout = json.loads(chart.proto.spec)["layout"]
        assert layout["font"]["size"] >= 24  # the room reads it
        assert layout["height"] <= 450
        assert any(m.value.startswith(("*What this chart shows:* Chart of", "*What this chart shows:* SPC chart of"))
                   for m in at.markdown)
    no_figure = any(i.value.startswith("No figure for this slide.") for i in at.info)
    if DECK[number - 1].view != "forum_plenary" and not (DECK[number - 1].view == "spc" and no_figure):
        assert not at.expander  # the numbers wait in the bar's pop-over: the slide keeps its one screen
        assert len(at.dataframe) >= 1
    for metric in at.metric:  # every figure with its unit: '97.9%' or '0.56 :small[per 1,000 patients]'
        assert metric.value.endswith("%") or metric.value.endswith("]"), metric.value


def test_the_numbers_behind_a_chart_slide_are_in_a_table():
    at = open_presenter(slide=2)
    table = at.dataframe[0].value
    column = "Patients with extended access (8am to 8pm, 7 days)"
    assert dict(zip(table["Area"], table[column])) == {
        "London": 97.9, "North Central London": 99.2, "North East London": 96.9, "North West London": 98.3,
        "South East London": 96.2, "South West London": 99.2}
    assert set(table["Period"]) == {"January 2021"}  # months in words on screen; the CSV keeps ISO dates


def test_trend_and_map_slides_draw_one_chart_with_alt_text(tmp_path, monkeypatch):
    write_deck(tmp_path, monkeypatch, [
        {"view": "trend", "indicator": "extended_access_coverage", "stp": "QKK",
         "headline": "{stp_name}: from {first_value} in {first_period} to {value} in {period}"},
        {"view": "map", "indicator": "extended_access_coverage",
         "headline": "Lowest in {lowest_area}: {lowest_value}"},
    ])
    at = open_presenter(slide=1)
    assert headline(at) == "South East London: from 49.5% in April 2017 to 96.2% in January 2021"
    [chart] = at.get("plotly_chart")
    names = [trace.get("name") for trace in json.loads(chart.proto.spec)["data"]]
    assert "South East London" in names and "London" in names
    assert any(m.value.startswith("*What this chart shows:* Line chart of") for m in at.markdown)
    at.button(key="presenter_next").click().run()
    assert not at.exception
    assert headline(at).startswith("Lowest in ")
    assert len(at.get("deck_gl_json_chart")) == 1
    assert any(m.value.startswith("*What this map shows:* Map of") for m in at.markdown)
    assert len(at.dataframe) == 3  # the map key, every place by name, and the numbers


def test_a_broken_slide_names_file_slide_and_field_and_the_other_slides_still_show(tmp_path, monkeypatch):
    write_deck(tmp_path, monkeypatch, [
        {"view": "region_headlines", "headline": "London"},
        {"view": "pie_chart", "headline": "Pie"},
        {"view": "stp_profile", "stp": "XYZ", "headline": "Nowhere"},
        {"view": "stp_comparison", "indicator": "no_such_indicator", "headline": "Nothing"},
        {"view": "stp_profile", "stp": "QMJ"},
    ])
    at = open_presenter(slide=2)
    assert headline(at) == "Slide 2 cannot be shown"
    assert len(at.error) == 1
    assert at.error[0].value.startswith("slides\\.yaml, slide 2, field 'view': Unknown view 'pie\\_chart'")
    assert "slide 3, 4, 5 could not be shown" in at.warning[0].value
    for number, field in ((3, "stp"), (4, "indicator"), (5, "headline")):
        at.selectbox(key="presenter_jump").select(number).run()
        assert not at.exception
        assert f"slides\\.yaml, slide {number}, field '{field}'" in at.error[0].value
    at.selectbox(key="presenter_jump").select(1).run()
    assert headline(at) == "London"
    assert not at.error
    assert len(at.metric) == 4


def test_an_unreadable_slide_file_is_explained_not_a_traceback(tmp_path, monkeypatch):
    path = tmp_path / "slides.yaml"
    path.write_text("slides: [this is: not: valid", encoding="utf-8")
    monkeypatch.setenv("ATSCALE_SLIDES", str(path))
    at = open_presenter()
    assert "The slide file slides.yaml could not be read at line 1" in at.error[0].value


def test_a_missing_slide_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("ATSCALE_SLIDES", str(tmp_path / "my-deck.yaml"))
    at = open_presenter()
    assert "my-deck.yaml was not found" in at.error[0].value


def test_a_slide_whose_data_are_unavailable_says_why(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "vision_survey.csv").unlink()
    manifest = yaml.safe_load((data / "dataset.yaml").read_text(encoding="utf-8"))
    manifest["unavailable"] = {"vision_survey": NO_VISION_SURVEY}
    (data / "dataset.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(data))
    vision = next(slide.number for slide in DECK if slide.domain == "vision")
    at = open_presenter(slide=vision)
    assert headline(at) == "Vision awareness: London"
    assert [i.value for i in at.main.info] == [f"No figure for this slide. {NO_VISION_SURVEY}"]
    assert not at.metric and not at.error
    vision_indicators = [i for i in yaml.safe_load((ROOT / "config.yaml").read_text())["indicators"]
                         if i["domain"] == "vision"]
    # no empty tiles: each figure the data lack is named, with the reason, under Numbers
    assert sum(": no figure. " in m.value for m in at.markdown) == len(vision_indicators)
    at.selectbox(key="presenter_jump").select(1).run()
    assert headline(at) == FIRST_HEADLINE  # the other domains still show
    assert len(at.metric) == 3


PASSCODE = "presenting"
FACILITATOR = FacilitatorCredentials(PASSCODE, PASSCODE, "test")


def open_presenter_as_facilitator(monkeypatch, **query) -> AppTest:
    """The presenter in a session that unlocked the facilitator page first."""
    monkeypatch.setenv("ATSCALE_FACILITATOR_PASSCODE", PASSCODE)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/forum_facilitator.py").run()
    at.text_input(key="forum_passcode").input(PASSCODE)
    at.button(key="forum_unlock").click().run()
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.switch_page("app_pages/presenter.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add_forum_events(monkeypatch):
    monkeypatch.setenv("ATSCALE_FACILITATOR_PASSCODE", PASSCODE)
    store = open_forum_store()
    earlier = store.create_event("Clinical Senate forum, March 2019", dt.date(2019, 3, 14), credentials=FACILITATOR)
    latest = store.create_event("STP boards, June 2019", dt.date(2019, 6, 20), credentials=FACILITATOR)
    link = store.issue_table_link(latest.id, "QKK", stp_choices={"QKK": "South East London"}, label="Table 9",
                                  credentials=FACILITATOR)
    answer = TableAnswer(scores={domain.code: 4 for domain in MATURITY_DOMAINS}, vision={"gp": RoleCount(5, 3, 2)},
                         barriers=("workforce",), next_steps="**Meet** the CCG in May.")
    store.add_submission(link.token, answer, "token-1")
    store.dispose()
    return earlier, latest


def test_the_forum_slide_shows_the_answers_of_the_plenary_link_it_was_opened_with(monkeypatch):
    _, latest = add_forum_events(monkeypatch)
    at = open_presenter(slide=len(DECK), plenary=latest.plenary_token)
    assert headline(at) == "What we heard from your tables today"
    assert at.text[0].value == "STP boards, June 2019 (20 June 2019)"
    steps = next(frame.value for frame in at.dataframe if "Next steps" in frame.value.columns)
    assert steps.values.tolist() == [["South East London", "Table 9", "**Meet** the CCG in May."]]  # plain text
    assert [m.value for m in at.metric] == ["1"]
    at.button(key="presenter_previous").click().run()
    assert at.query_params["plenary"] == latest.plenary_token  # kept while moving through the deck


def test_the_forum_slide_shows_nobodys_answers_without_the_plenary_link(monkeypatch):
    add_forum_events(monkeypatch)
    at = open_presenter(slide=len(DECK))
    assert "The plenary opens from its own link" in at.main.info[0].value
    assert not at.metric and not at.text


def test_in_the_facilitators_session_the_forum_slide_shows_the_latest_or_the_decks_event(tmp_path, monkeypatch):
    earlier, _ = add_forum_events(monkeypatch)
    at = open_presenter_as_facilitator(monkeypatch, slide=len(DECK))
    assert at.text[0].value == "STP boards, June 2019 (20 June 2019)"
    write_deck(tmp_path, monkeypatch, [{"view": "forum_plenary", "event": earlier.id, "headline": "March"}])
    at = open_presenter_as_facilitator(monkeypatch)
    assert at.text[0].value == "Clinical Senate forum, March 2019 (14 March 2019)"
    assert [m.value for m in at.metric] == ["0"]


def test_the_forum_slide_says_when_there_is_no_event_yet(monkeypatch):
    at = open_presenter_as_facilitator(monkeypatch, slide=len(DECK))
    assert "No forum event exists yet" in at.main.info[0].value


def test_a_forum_slide_for_an_event_that_does_not_exist_says_so(tmp_path, monkeypatch):
    write_deck(tmp_path, monkeypatch, [{"view": "forum_plenary", "event": 7, "headline": "What we heard"}])
    at = open_presenter_as_facilitator(monkeypatch)
    assert at.main.info[0].value.startswith("There is no forum event number 7.")
