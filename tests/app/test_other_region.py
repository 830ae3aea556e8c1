"""AppTest on data for another region (the England-scale illustrative data: E92000001 England, 42 STPs, 200 CCG
areas; and North West, imported from the real national files): every page names that region and its systems, and
none says London or "five STPs"."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.definitions import load_config

ROOT = Path(__file__).parents[2]
# Who published a target is about the source, not about the areas shown (London's 97% extended-access ambition).
TARGET_SOURCES = [d.target.source for d in load_config(ROOT / "config.yaml").indicators if d.target]
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
LONDON_WORDS = re.compile(r"London|five STPs|33 boroughs|\bLDN\b", re.IGNORECASE)


def use_data(folder: Path, monkeypatch) -> list[str]:
    """The app reads `folder`; returns the names of its systems (STPs)."""
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(folder))
    monkeypatch.delenv("ATSCALE_CONFIG", raising=False)
    monkeypatch.delenv("ATSCALE_SLIDES", raising=False)
    practices = pd.read_csv(folder / "practices.csv", dtype=str, keep_default_na=False)
    return sorted(set(practices["stp_name"]))


@pytest.fixture
def north_west(north_west_dir, monkeypatch):
    return use_data(north_west_dir, monkeypatch)


@pytest.fixture
def england(england_dir, monkeypatch):
    return use_data(england_dir, monkeypatch)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(f"app_pages/{page}").run()
    return at


def page_text(at: AppTest) -> str:
    """Every word the page shows: headings, text, notices, figures, choices, tables, charts and maps."""
    parts = [element.value for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                                        "warning", "success", "error") for element in getattr(at, kind)]
    parts += [f"{metric.label} {metric.value}" for metric in at.metric]
    for box in at.selectbox:
        parts += [box.label, *map(str, box.options), box.help or ""]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [json.dumps(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]
    parts += [deck.proto.json for deck in at.get("deck_gl_json_chart")]
    parts += [str(getattr(element.proto, "label", "")) for element in at.get("expandable")]
    text = "\n".join(parts)
    for source in TARGET_SOURCES:
        text = text.replace(source, "")
    return text


@pytest.mark.parametrize("page", [page.name for page in PAGES])
def test_every_page_names_the_datas_region_and_systems_and_never_london(england, page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "England" in text
    assert any(name in text for name in england), "no STP of the data is named"
    assert not LONDON_WORDS.findall(text), sorted(set(LONDON_WORDS.findall(text)))


@pytest.mark.parametrize("page", [page.name for page in PAGES])
def test_every_page_of_an_imported_region_names_it_and_its_systems(north_west, page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "North West" in text
    assert any(name in text for name in north_west), "no STP of the data is named"
    assert not LONDON_WORDS.findall(text), sorted(set(LONDON_WORDS.findall(text)))


def test_the_overview_compares_the_42_stps_and_maps_the_200_ccg_areas(england):
    at = open_page("overview.py")
    assert [t.value for t in at.title] == ["England overview"]
    headers = [h.value for h in at.header]
    assert headers[0] == "Headlines for England"
    assert headers[1].startswith("The 42 STPs: ") and headers[2].startswith("The 200 CCG areas: ")
    plotted = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))
    assert all(name in plotted for name in england)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    tiles = next(layer for layer in deck["layers"] if layer["id"] == "borough_tiles")
    assert len(tiles["data"]) == 200


def test_the_pages_and_sidebar_use_the_datas_own_level_names(england):
    at = open_page("borough_explorer.py")
    assert at.title[0].value.startswith("CCG area explorer: ")
    assert at.selectbox(key="stp").label == "STP (Sustainability and Transformation Partnership)"
    assert at.selectbox(key="borough").label == "CCG area (the area of a Clinical Commissioning Group)"
    assert len(at.selectbox(key="stp").options) == 42 and len(at.selectbox(key="borough").options) == 200
    at.switch_page("app_pages/plain_summary.py").run()
    summary = " ".join(m.value for m in at.markdown).replace("\\", "")  # the page escapes markdown
    assert "is one of the 42 local health and care partnerships in England." in summary


def test_the_presenter_deck_has_a_slide_for_each_of_the_42_stps(england):
    at = open_page("presenter.py")
    assert at.title[0].value.startswith("General practice at scale in England: where we are in ")
    assert at.markdown[0].value.startswith("**Slide 1 of 50**")  # 42 STP profiles and 8 other slides
    labels = at.selectbox(key="presenter_jump").options
    assert sum(": System " in label for label in labels) == 42
