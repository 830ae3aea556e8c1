"""slides.yaml: the default deck loads, each mistake names file, slide and field, and headlines fill from data."""
from pathlib import Path

import pandas as pd
import pytest

from indicators.areas import Area, AreaModel, LevelName
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.errors import ConfigError
from indicators.slides import (
    HEADLINE_FIELDS,
    VIEWS,
    MissingFact,
    Slide,
    compute_allowed_fields,
    compute_headline_text,
    compute_indicator_facts,
    compute_slide_label,
    compute_slide_tile,
    compute_tile_table,
    load_deck,
    read_headline_fields,
)

ROOT = Path(__file__).resolve().parents[2]
STP = LevelName("STP", "STPs", "local health and care partnership", "local health and care partnerships")
LONDON = AreaModel(Area("region", "E40000003", "London"), {"stp": STP}, systems=tuple(
    Area("stp", code, name) for code, name in (("QMJ", "North Central London"), ("QMF", "North East London"),
                                               ("QRV", "North West London"), ("QKK", "South East London"),
                                               ("QWE", "South West London"))))
ENGLAND = AreaModel(Area("region", "E92000001", "England"), {"stp": STP},
                    systems=tuple(Area("stp", f"QE{n:02d}", f"System {n:02d}") for n in range(1, 43)))
GOOD_SLIDE = "  - view: region_headlines\n    headline: London today\n"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "config.yaml")


@pytest.fixture(scope="module")
def demo(config):
    return load_data(config, ROOT / "data")


@pytest.fixture(scope="module")
def coverage(config, demo):
    """Extended-access coverage for the STPs and London (demo data, 2021-01-01 is the latest period)."""
    values = compute_indicator_values(config.indicator("extended_access_coverage"), demo)
    return values[values["level"].isin(["stp", "region"])].reset_index(drop=True)


def write_deck(tmp_path, slides: str) -> Path:
    path = tmp_path / "slides.yaml"
    path.write_text("slides:\n" + slides, encoding="utf-8")
    return path


def test_the_default_deck_walks_the_region_each_stp_the_four_domains_then_the_forum(config):
    deck = load_deck(ROOT / "slides.yaml", config, LONDON)
    assert deck.problems == ()
    assert [s.view for s in deck.slides] == (["region_headlines", "stp_comparison"] + ["stp_profile"] * 5
                                             + ["domain"] * 3 + ["spc", "spc", "domain", "forum_plenary"])
    assert [s.stp for s in deck.slides if s.view == "stp_profile"] == ["QMJ", "QMF", "QRV", "QKK", "QWE"]
    assert [s.domain for s in deck.slides if s.view == "domain"] == ["vision", "collaboration", "access", "workforce"]
    assert [s.number for s in deck.slides] == list(range(1, 15))  # without data to judge by, both SPC slides stay
    spc = [s for s in deck.slides if s.view == "spc"]
    assert [s.indicator for s in spc] == ["appointments_per_1000", "extended_access_coverage"]
    assert all(s.stp is None for s in spc) and deck.left_out == ()


def test_an_optional_slide_is_left_out_when_the_data_have_no_figures_for_its_indicator(config):
    no_appointments = load_deck(ROOT / "slides.yaml", config, LONDON,
                                has_figures=lambda indicator_id: not indicator_id.startswith("appointments"))
    assert [s.indicator for s in no_appointments.slides if s.view == "spc"] == ["extended_access_coverage"]
    assert [s.number for s in no_appointments.slides] == list(range(1, 14))  # the slides after it move up
    assert no_appointments.left_out == ("Appointments per 1,000 patients a month",)
    no_coverage = load_deck(ROOT / "slides.yaml", config, LONDON,
                            has_figures=lambda indicator_id: indicator_id != "extended_access_coverage")
    assert [s.indicator for s in no_coverage.slides if s.view == "spc"] == ["appointments_per_1000"]
    # only the optional slide goes: the other slides about coverage stay and say why they have no figure
    every = load_deck(ROOT / "slides.yaml", config, LONDON)
    assert (sum(s.indicator == "extended_access_coverage" for s in no_coverage.slides)
            == sum(s.indicator == "extended_access_coverage" for s in every.slides) - 1 > 0)


def test_optional_must_be_true_or_false_on_a_slide_with_an_indicator(tmp_path, config):
    path = write_deck(tmp_path, '  - {view: spc, indicator: appointments_per_1000, optional: "yes", headline: x}\n'
                                '  - {view: region_headlines, optional: true, headline: y}\n')
    deck = load_deck(path, config, LONDON, has_figures=lambda indicator_id: False)
    assert [p.field for p in deck.problems] == ["optional", "optional"]
    assert len(deck.slides) == 2 and deck.left_out == ()  # a wrong slide keeps its place, to show its problem
    assert all(s.headline for s in deck.slides)


def test_the_default_deck_uses_every_view_except_trend_and_map_and_the_yaml_header_documents_all_of_them():
    header = (ROOT / "slides.yaml").read_text(encoding="utf-8").split("slides:")[0]
    for view in VIEWS:
        assert view in header
    for field in HEADLINE_FIELDS:
        assert "{" + field + "}" in header


@pytest.mark.parametrize("slide, field, words", [
    ("  - view: pie_chart\n    headline: Pie\n", "view", "Unknown view 'pie_chart'; use one of region_headlines"),
    ("  - view: stp_comparison\n    indicator: not_an_indicator\n    headline: X\n", "indicator",
     "Unknown indicator id 'not_an_indicator'"),
    ("  - view: stp_profile\n    stp: XYZ\n    headline: X\n", "stp", "Unknown STP code 'XYZ'; use 'each' (a slide for each) or one of QMJ (North Central London)"),
    ("  - view: stp_profile\n    stp: QMJ\n", "headline", "Every slide needs a headline"),
    ("  - view: stp_profile\n    stp: QMJ\n    headline: '   '\n", "headline", "Every slide needs a headline"),
    ("  - view: stp_profile\n    headline: X\n", "stp", "A stp_profile slide needs 'stp'"),
    ("  - view: region_headlines\n    stp: QMJ\n    headline: X\n", "stp", "does not take 'stp'"),
    ("  - view: domain\n    domain: cooking\n    headline: X\n", "domain", "Unknown domain 'cooking'"),
    ("  - view: domain\n    domain: vision\n    indicator: gp_fte_per_1000\n    headline: X\n", "indicator",
     "not in the vision domain"),
    ("  - view: forum_plenary\n    event: first\n    headline: X\n", "event", "forum event number"),
    ("  - view: region_headlines\n    colour: red\n    headline: X\n", "colour", "not known"),
    ("  - view: region_headlines\n    headline: '{stp_name} today'\n", "headline",
     "{stp_name} cannot be filled on a region_headlines slide"),
    ("  - view: stp_comparison\n    indicator: gp_fte_per_1000\n    headline: '{mood}'\n", "headline",
     "{mood} is not a headline field"),
    ("  - view: stp_comparison\n    indicator: gp_fte_per_1000\n    headline: '{value.__class__}'\n", "headline",
     "is not a headline field"),
    ("  - view: stp_comparison\n    indicator: gp_fte_per_1000\n    headline: '{value:.3f}'\n", "headline",
     "without ':' or '!'"),
    ("  - view: stp_comparison\n    indicator: gp_fte_per_1000\n    headline: 'GPs {value'\n", "headline",
     "unmatched { or }"),
    ("  - view: forum_plenary\n    headline: 'Heard at {area_name}'\n", "headline",
     "none: write the headline as plain text"),
    ("  - just a sentence\n", None, "Each slide must be a mapping"),
])
def test_a_bad_slide_names_file_slide_and_field_and_the_other_slides_still_load(tmp_path, config, slide, field,
                                                                               words):
    path = write_deck(tmp_path, GOOD_SLIDE + slide + GOOD_SLIDE)
    deck = load_deck(path, config, LONDON)
    assert [s.is_valid for s in deck.slides] == [True, False, True]
    [problem] = deck.problems
    where = "slides.yaml, slide 2" + (f", field '{field}'" if field else "")
    assert str(problem).startswith(where + ": "), str(problem)
    assert words in str(problem)
    assert str(problem).endswith("This slide is not shown.")


def test_unknown_top_level_sections_are_reported_without_losing_the_slides(tmp_path, config):
    path = tmp_path / "slides.yaml"
    path.write_text("title: Forum\nslides:\n" + GOOD_SLIDE, encoding="utf-8")
    deck = load_deck(path, config, LONDON)
    assert len(deck.slides) == 1 and deck.slides[0].is_valid
    assert [str(p) for p in deck.problems] == ["slides.yaml, field 'title': This section is not known and was ignored."]


@pytest.mark.parametrize("text, words", [
    ("slides: [this is: not: valid", "slides.yaml could not be read at line 1"),
    ("- view: region_headlines\n", "must have a 'slides:' list"),
    ("slides: []\n", "has no slides"),
])
def test_an_unusable_slide_file_raises_one_clear_error(tmp_path, config, text, words):
    path = tmp_path / "slides.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words.replace("(", r"\(")):
        load_deck(path, config, LONDON)


def test_a_missing_slide_file_is_named(tmp_path, config):
    with pytest.raises(ConfigError, match="nowhere.yaml was not found"):
        load_deck(tmp_path / "nowhere.yaml", config, LONDON)


def test_a_domain_slide_defaults_to_its_first_indicator(tmp_path, config):
    deck = load_deck(write_deck(tmp_path, "  - view: domain\n    domain: access\n    headline: '{value}'\n"),
                     config, LONDON)
    assert deck.slides[0].indicator == "extended_access_coverage"
    assert "value" in compute_allowed_fields(deck.slides[0]) and "domain_name" in compute_allowed_fields(deck.slides[0])


def test_allowed_fields_follow_what_the_slide_names():
    london = Slide(1, "region_headlines", "x")
    assert compute_allowed_fields(london) == ("area_name", "region_name", "period")
    profile = Slide(2, "stp_profile", "x", stp="QMJ", indicator="gp_fte_per_1000")
    assert {"stp_name", "value", "highest_area"} <= set(compute_allowed_fields(profile))
    assert compute_allowed_fields(Slide(3, "forum_plenary", "x")) == ()


def test_the_london_extended_access_headline_is_filled_from_the_demo_data(config, coverage):
    # by hand from the demo CSVs, January 2021: 9,068,808 covered / 9,266,487 registered = 97.867%
    facts = compute_indicator_facts(coverage, config.indicator("extended_access_coverage"), area_code="E40000003")
    assert facts["value"] == "97.9%"
    assert facts["number"] == "97.9"
    assert facts["period"] == "January 2021"
    assert facts["target"] == "97.0%"
    # highest North Central London 1,485,601 / 1,497,097; lowest South East London 1,791,536 / 1,862,427
    assert (facts["highest_area"], facts["highest_value"]) == ("North Central London", "99.2%")
    assert (facts["lowest_area"], facts["lowest_value"]) == ("South East London", "96.2%")
    # April 2017: 4,766,877 / 8,834,251 = 54.0% of Londoners were covered
    assert (facts["first_period"], facts["first_value"]) == ("April 2017", "54.0%")
    template = "{value} of Londoners can see a GP in the evening or at the weekend. The target is {target}."
    assert compute_headline_text(template, facts) == (
        "97.9% of Londoners can see a GP in the evening or at the weekend. The target is 97.0%.")


def test_an_stp_headline_is_filled_from_the_demo_data(config, coverage):
    facts = compute_indicator_facts(coverage, config.indicator("extended_access_coverage"), area_code="QMJ")
    facts = {**facts, "stp_name": "North Central London"}
    assert facts["region_value"] == "97.9%"
    template = "{stp_name}: {value} of patients can get an evening or weekend appointment"
    assert compute_headline_text(template, facts) == (
        "North Central London: 99.2% of patients can get an evening or weekend appointment")


def test_a_suppressed_figure_leaves_the_field_empty_and_the_headline_says_which(config, coverage):
    hidden = coverage.assign(value=coverage["value"].where(coverage["area_code"] != "QKK"))
    facts = compute_indicator_facts(hidden, config.indicator("extended_access_coverage"), area_code="QKK")
    assert facts["value"] is None
    with pytest.raises(MissingFact) as missing:
        compute_headline_text("{value} in South East London", facts)
    assert missing.value.field == "value"
    assert compute_headline_text("South East London", facts) == "South East London"


def test_templates_fill_plain_strings_only():
    assert compute_headline_text("{{value}} is {value}", {"value": "97.9%"}) == "{value} is 97.9%"
    # a data value that looks like a field stays literal: format_map does not expand its result again
    assert compute_headline_text("{area_name}", {"area_name": "{value}"}) == "{value}"
    assert read_headline_fields("{value} and {value} in {period}") == ("value", "period")
    with pytest.raises(ValueError, match="not a headline field"):
        read_headline_fields("{value.__class__.__mro__}")
    with pytest.raises(ValueError, match="not a headline field"):
        read_headline_fields("{0}")
    with pytest.raises(ValueError, match="without ':' or '!'"):
        read_headline_fields("{value!r}")


def test_a_tile_says_the_figure_and_its_comparison_in_words(config, coverage):
    definition = config.indicator("extended_access_coverage")
    tile = compute_slide_tile(coverage, definition, heading="Extended access", area_code="QKK",
                              latest_period="2021-01-01")
    # 1.7 points below London, but coverage comes in whole practices: over-dispersion makes that "similar"
    assert (tile.value_text, tile.status_text, tile.target_text) == (
        "96.2%", "● Similar to London", "Target 97.0%: not met ✗")
    london = compute_slide_tile(coverage, definition, heading="Extended access", area_code="E40000003",
                                latest_period="2021-01-01")
    assert (london.value_text, london.status_text, london.target_text) == ("97.9%", "", "Target 97.0%: met ✓")
    table = compute_tile_table([london, tile])
    expected = pd.DataFrame({
        "Shown as": ["Extended access"] * 2, "Indicator": [definition.name] * 2,
        "Area": ["London", "South East London"], "Period": ["2021-01-01"] * 2, "Value": ["97.9%", "96.2%"],
        "Target": ["Target 97.0%: met ✓", "Target 97.0%: not met ✗"],  # the target first
        "Compared with London": ["", "Similar to London"],
        "Numerator": [9068808.0, 1791536.0], "Denominator": [9266487.0, 1862427.0],
    })
    pd.testing.assert_frame_equal(table, expected)


def test_a_tile_without_any_figure_is_none(config, coverage):
    definition = config.indicator("extended_access_coverage")
    assert compute_slide_tile(coverage.iloc[0:0], definition, heading="x", area_code="E40000003",
                              latest_period="2021-01-01") is None


def test_the_slide_list_names_each_slide(config):
    deck = load_deck(ROOT / "slides.yaml", config, LONDON)
    labels = [compute_slide_label(slide, config, LONDON) for slide in deck.slides]
    assert labels[0] == "1. London headlines"
    assert labels[1] == "2. STPs compared: Patients with extended access (8am to 8pm, 7 days)"
    assert labels[2] == "3. STP profile: North Central London"
    assert labels[7] == "8. Domain: Vision awareness"
    assert labels[10] == "11. Signal or noise (SPC): Appointments per 1,000 patients a month"
    assert labels[11] == "12. Signal or noise (SPC): Patients with extended access (8am to 8pm, 7 days)"
    assert labels[13] == "14. What we heard (forum)"


def test_on_england_scale_data_the_default_deck_has_a_slide_for_each_of_the_42_stps_and_names_england(config):
    deck = load_deck(ROOT / "slides.yaml", config, ENGLAND)
    assert deck.problems == ()
    profiles = [s for s in deck.slides if s.view == "stp_profile"]
    assert [s.stp for s in profiles] == [f"QE{n:02d}" for n in range(1, 43)]
    assert [s.number for s in deck.slides] == list(range(1, 52))  # both optional SPC slides: no data to judge by
    labels = [compute_slide_label(slide, config, ENGLAND) for slide in deck.slides]
    assert labels[:3] == ["1. England headlines",
                          "2. STPs compared: Patients with extended access (8am to 8pm, 7 days)",
                          "3. STP profile: System 01"]
    assert not any("London" in slide.headline for slide in deck.slides)
    assert compute_headline_text(deck.slides[0].headline, {"region_name": "England", "period": "January 2021"}) == (
        "General practice at scale in England: where we are in January 2021")
