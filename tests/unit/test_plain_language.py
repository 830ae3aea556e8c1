"""Plain-language summaries: natural frequencies, comparisons in words, the glossary, every demo area."""
import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.areas import Area, AreaModel, LevelName
from indicators.definitions import (
    Domain,
    IndicatorDefinition,
    Measure,
    Target,
    load_config,
)
from indicators.errors import IndicatorUnavailable
from indicators.glossary import GLOSSARY, compute_glossary, find_glossary_entry
from indicators.plain_language import (
    compute_area_summary,
    compute_chart_description,
    compute_count_in_words,
    compute_figures_in_words,
    compute_natural_frequency,
    compute_rate_base,
    compute_summary_text,
)
from indicators.readability import (
    check_plain_language,
    compute_reading_grade,
    find_decimal_numbers,
    find_unexplained_acronyms,
)

ROOT = Path(__file__).resolve().parents[2]

# The areas of a small London-shaped test dataset: the names the sentences use come from here.
AREAS = AreaModel(
    Area("region", "E40000003", "London"),
    {"stp": LevelName("STP", "STPs", "local health and care partnership", "local health and care partnerships",
                      "Sustainability and Transformation Partnership"),
     "borough": LevelName("borough", "boroughs", "borough", "boroughs")},
    systems=tuple(Area("stp", code, name) for code, name in (("QMF", "North East London"),
                                                             ("QKK", "South East London"))),
    places=(Area("borough", "E09000001", "City of London", "QMF"), Area("borough", "E09000022", "Lambeth", "QKK"),
            Area("borough", "E09000020", "Kensington and Chelsea", "QKK")),
)
DOMAINS = {
    "vision": Domain("vision", "Vision awareness", "Knowing the plan", ""),
    "collaboration": Domain("collaboration", "Collaboration maturity", "Practices working together", ""),
    "access": Domain("access", "Extended access", "Evening and weekend appointments", ""),
    "workforce": Domain("workforce", "Workforce mix", "Staff in GP surgeries", ""),
}


def make_definition(indicator_id, plain_description, *, domain="access", unit="%", multiplier=100.0,
                    direction="higher_is_better", target=None, table="extended_access",
                    plain_name=None, comparison="wilson", plain_multiplier=0.0):
    return IndicatorDefinition(
        id=indicator_id, name=indicator_id, plain_name=plain_name or f"Plain {indicator_id}",
        description="", plain_description=plain_description, domain=domain,
        numerator=Measure(table, ("n",)), denominator=Measure("registered_patients", ("d",)),
        multiplier=multiplier, unit=unit, direction=direction, comparison=comparison,
        target=Target(*target) if target else None, plain_multiplier=plain_multiplier)


COVERAGE = make_definition(
    "extended_access_coverage",
    "How many people can book a GP appointment in the evening or at the weekend.",
    plain_name="People who can see a GP in the evening or at the weekend",
    target=(97, "London's extended-access ambition for 2018/19 (NHS England London region)"))
MINUTES = make_definition(
    "extended_access_minutes_per_1000",
    "For every 1,000 people, how many minutes of evening and weekend appointments there are each week.",
    unit="minutes per 1,000 patients a week", multiplier=1000.0, comparison="tolerance",
    target=(30, "General Practice Forward View (NHS England, 2016)"))
GP_RATE = make_definition(
    "gp_fte_per_1000", "How many full-time family doctors there are for every 1,000 people registered.",
    domain="workforce", unit="per 1,000 patients", multiplier=1000.0, table="workforce",
    comparison="tolerance", plain_multiplier=10_000)
ADMIN_RATE = make_definition(
    "admin_fte_per_1000",
    "How many full-time receptionists and office staff there are for every 1,000 people registered.",
    domain="workforce", unit="per 1,000 patients", multiplier=1000.0, table="workforce",
    direction="neither", comparison="tolerance", plain_multiplier=10_000)
AWARE = make_definition(
    "vision_aware_all",
    "Out of the people asked, how many knew about the local plan for GP surgeries working together.",
    domain="vision", table="vision_survey")
AWARE_GPS = make_definition(
    "vision_aware_gps", "Out of the family doctors asked, how many knew about the local plan.",
    domain="vision", table="vision_survey")
NETWORK_SIZE = make_definition(
    "pcn_practices_30_50k",
    "Surgeries are meant to join networks that together care for 30,000 to 50,000 people. "
    "This shows how many do.", domain="collaboration", table="collaboration")
MATURITY = make_definition(
    "pcn_maturity_embedded",
    "Networks of surgeries marked themselves from 1 (not started) to 5 (fully in place) on five areas "
    "of work. This shows how often they said 4 or 5.", domain="collaboration", table="maturity")
EXTENDED_HOURS = make_definition(
    "extended_hours_practices",
    "How many GP surgeries are paid to offer appointments before 8am, after 6.30pm or on Saturdays.",
    table="extended_hours")


def tidy(definition, rows):
    """A tidy indicator table (docs/data-contract.md) from rows of
    (period, level, area_code, area_name, stp_code, value, vs_region); value None means suppressed."""
    records = []
    for period, level, code, name, stp_code, value, vs_region in rows:
        suppressed = value is None
        records.append({
            "indicator_id": definition.id, "period": period, "level": level, "area_code": code,
            "area_name": name, "pcn_code": "", "borough_code": code if level == "borough" else "",
            "stp_code": stp_code, "numerator": 1.0, "denominator": 100.0,
            "value": math.nan if suppressed else value, "lower_95": math.nan, "upper_95": math.nan,
            "suppressed": suppressed, "vs_region": "not compared" if suppressed else vs_region,
            "vs_stp": "not compared"})
    return pd.DataFrame(records)


def london(period, value):
    return (period, "region", "E40000003", "London", "", value, "not compared")


def stp(period, value, vs_region="similar"):
    return (period, "stp", "QKK", "South East London", "QKK", value, vs_region)


def borough(period, value, vs_region="similar", code="E09000022", name="Lambeth"):
    return (period, "borough", code, name, "QKK", value, vs_region)


def summarise(values_by_indicator, definitions, *, area_code="QKK", area_level="stp", period="2021-01-01",
              **options):
    sections = compute_area_summary(values_by_indicator, definitions, DOMAINS, AREAS, area_code=area_code,
                                    area_level=area_level, period=period, **options)
    return sections, compute_summary_text(sections)


def sentences_of(sections, indicator_id):
    return next(p.sentences for s in sections for p in s.paragraphs if indicator_id in p.indicator_ids)


@pytest.mark.parametrize("proportion, words", [
    (0.0, "none"),
    (0.003, "fewer than 1 in 100"),
    (0.03, "about 3 in 100"),
    (0.05, "about 1 in 20"),
    (0.1, "about 1 in 10"),
    (0.25, "about 1 in 4"),
    (0.33, "about 1 in 3"),
    (0.5, "about half"),
    (0.6, "about 6 in 10"),
    (0.67, "about 2 in 3"),
    (0.75, "about 3 in 4"),
    (0.85, "about 17 in 20"),
    (0.9, "about 9 in 10"),
    (0.95, "about 95 in 100"),
    (0.973, "about 97 in 100"),
    (0.996, "almost all"),
    (1.0, "all"),
])
def test_proportions_are_put_as_natural_frequencies(proportion, words):
    assert compute_natural_frequency(proportion) == words


def test_a_missing_proportion_cannot_be_put_in_words():
    with pytest.raises(ValueError, match="no figure"):
        compute_natural_frequency(math.nan)


@pytest.mark.parametrize("rates_per_person, base", [
    ([0.58 / 1000], 10_000),        # 0.58 per 1,000 -> about 6 for every 10,000
    ([45 / 1000, 30 / 1000], 1_000),
    ([0.033 / 1000], 100_000),
    ([0.0, math.nan], 1_000),
    ([], 1_000),
])
def test_rates_are_put_per_a_number_of_people_that_gives_a_whole_count(rates_per_person, base):
    assert compute_rate_base(rates_per_person) == base


@pytest.mark.parametrize("count, words", [
    (0, "no"), (0.3, "fewer than 1"), (5.8, "about 6"), (45.4, "about 45"), (234, "about 230"),
    (1234, "about 1,200"),
])
def test_counts_are_whole_plain_numbers(count, words):
    assert compute_count_in_words(count) == words


def test_a_figure_better_than_london_is_said_in_natural_frequencies_with_the_aim_and_the_change():
    table = tidy(COVERAGE, [london("2018-04-01", 50.0), london("2021-01-01", 80.0),
                            stp("2018-04-01", 61.0), stp("2021-01-01", 90.0, "better")])
    sections, _ = summarise({COVERAGE.id: table}, [COVERAGE])
    assert sentences_of(sections, COVERAGE.id) == (
        ("In South East London, about 9 in 10 people can book a GP appointment in the evening or at the "
         "weekend."),
        "The aim for London is 97 in 100.",
        "This area has not reached the aim yet.",
        "This is more than in London as a whole (about 8 in 10).",
        "This has gone up since April 2018, when it was about 6 in 10.",
    )
    section = next(s for s in sections if s.domain_id == "access")
    assert section.heading == "Evening and weekend appointments"
    assert section.paragraphs[0].title == "People who can see a GP in the evening or at the weekend"


def test_the_introduction_explains_gp_before_any_other_use_and_says_when_data_are_made_up():
    table = tidy(COVERAGE, [london("2021-01-01", 80.0), stp("2021-01-01", 90.0)])
    sections, text = summarise({COVERAGE.id: table}, [COVERAGE], illustrative=True)
    assert sections[0].sentences[0] == "This page is about family doctors (GPs) and their surgeries in South East London."
    assert "The figures are for January 2021, unless we say otherwise." in sections[0].sentences
    assert "These figures are made up to show how the page works. They are not real." in sections[0].sentences
    assert find_unexplained_acronyms(text) == []


def test_similar_is_never_told_as_a_difference_even_when_the_rounded_figures_differ():
    table = tidy(COVERAGE, [london("2021-01-01", 80.0), stp("2021-01-01", 88.0, "similar")])
    sections, _ = summarise({COVERAGE.id: table}, [COVERAGE])
    sentences = sentences_of(sections, COVERAGE.id)
    assert "This is about the same as in London as a whole." in sentences
    assert not any("more than" in s or "fewer than" in s for s in sentences)


def test_not_compared_says_we_cannot_tell():
    table = tidy(COVERAGE, [london("2021-01-01", 80.0), stp("2021-01-01", 90.0, "not compared")])
    sentences = sentences_of(summarise({COVERAGE.id: table}, [COVERAGE])[0], COVERAGE.id)
    assert "We cannot say whether this is different from London as a whole." in sentences
    assert not any("more than" in s or "fewer than" in s or "the same" in s for s in sentences)


def test_worse_honours_the_direction_lower_is_better_means_more():
    waits = dataclasses.replace(COVERAGE, direction="lower_is_better", target=None)
    table = tidy(waits, [london("2021-01-01", 20.0), stp("2021-01-01", 30.0, "worse")])
    sentences = sentences_of(summarise({waits.id: table}, [waits])[0], waits.id)
    assert "This is more than in London as a whole (about 2 in 10)." in sentences


def test_higher_and_lower_are_used_where_neither_direction_is_better():
    table = tidy(ADMIN_RATE, [london("2021-01-01", 1.2), stp("2021-01-01", 0.9, "lower")])
    sentences = sentences_of(summarise({ADMIN_RATE.id: table}, [ADMIN_RATE])[0], ADMIN_RATE.id)
    assert sentences[:2] == (
        ("In South East London, there are about 9 full-time receptionists and office staff for every "
         "10,000 people registered."),
        "This is fewer than in London as a whole (about 12 for every 10,000 people).",
    )


def test_a_suppressed_figure_is_said_plainly_with_no_comparison():
    table = tidy(COVERAGE, [london("2021-01-01", 80.0), stp("2021-01-01", None)])
    sentences = sentences_of(summarise({COVERAGE.id: table}, [COVERAGE])[0], COVERAGE.id)
    assert sentences == ("In South East London, the numbers are too small to give a reliable figure.",)


def test_rates_use_a_base_that_gives_a_whole_number():
    table = tidy(GP_RATE, [london("2021-01-01", 0.62), stp("2021-01-01", 0.58, "similar")])
    sentences = sentences_of(summarise({GP_RATE.id: table}, [GP_RATE])[0], GP_RATE.id)
    assert sentences[0] == ("In South East London, there are about 6 full-time family doctors for every "
                            "10,000 people registered.")


def test_a_rate_with_a_national_aim_is_compared_with_it_on_the_same_base():
    table = tidy(MINUTES, [london("2021-01-01", 40.0), stp("2021-01-01", 45.4, "better")])
    sentences = sentences_of(summarise({MINUTES.id: table}, [MINUTES])[0], MINUTES.id)
    assert sentences == (
        ("In South East London, there are about 45 minutes of evening and weekend appointments for every "
         "1,000 people each week."),
        "The aim is 30 for every 1,000 people.",
        "This area has reached the aim.",
        "This is more than in London as a whole (about 40 for every 1,000 people).",
    )


def test_a_figure_rounding_to_the_aim_but_below_it_is_close_not_reached():
    table = tidy(COVERAGE, [london("2021-01-01", 95.0), stp("2021-01-01", 96.8, "similar")])
    sentences = sentences_of(summarise({COVERAGE.id: table}, [COVERAGE])[0], COVERAGE.id)
    assert sentences[0].startswith("In South East London, about 97 in 100 people")
    assert "This area is close to the aim, but has not quite reached it." in sentences


def test_survey_questions_and_context_sentences_are_put_in_words():
    values = {
        AWARE.id: tidy(AWARE, [london("2021-01-01", 30.0), stp("2021-01-01", 25.0, "worse")]),
        NETWORK_SIZE.id: tidy(NETWORK_SIZE, [london("2021-01-01", 70.0), stp("2021-01-01", 71.0)]),
        MATURITY.id: tidy(MATURITY, [london("2021-01-01", 30.0), stp("2021-01-01", 40.0, "better")]),
    }
    sections, _ = summarise(values, [AWARE, NETWORK_SIZE, MATURITY])
    assert sentences_of(sections, AWARE.id)[:2] == (
        ("In South East London, about 1 in 4 of the people asked knew about the local plan for GP surgeries "
         "working together."),
        "This is fewer than in London as a whole (about 3 in 10).")
    assert sentences_of(sections, NETWORK_SIZE.id)[:2] == (
        "Surgeries are meant to join networks that together care for 30,000 to 50,000 people.",
        "In South East London, about 7 in 10 do.")
    assert sentences_of(sections, MATURITY.id)[1:3] == (
        "In South East London, they said 4 or 5 about 4 in 10 times.",
        "This is more often than in London as a whole (about 3 in 10 times).")


def test_none_and_all_read_naturally():
    values = {COVERAGE.id: tidy(COVERAGE, [london("2021-01-01", 50.0), stp("2021-01-01", 0.0, "worse")]),
              AWARE.id: tidy(AWARE, [london("2021-01-01", 50.0), stp("2021-01-01", 100.0, "better")])}
    sections, _ = summarise(values, [COVERAGE, AWARE])
    assert sentences_of(sections, COVERAGE.id)[0] == (
        "In South East London, no people can book a GP appointment in the evening or at the weekend.")
    assert sentences_of(sections, AWARE.id)[0].startswith("In South East London, all of the people asked knew")


def test_an_older_figure_says_which_month_it_is_from():
    table = tidy(EXTENDED_HOURS, [london("2020-04-01", 60.0), stp("2020-04-01", 62.0)])
    sentences = sentences_of(summarise({EXTENDED_HOURS.id: table}, [EXTENDED_HOURS])[0], EXTENDED_HOURS.id)
    assert "This figure is from April 2020." in sentences
    assert find_decimal_numbers(" ".join(sentences)) == []


def test_the_change_over_time_is_told_once_per_domain_and_about_the_same_when_small():
    values = {
        AWARE.id: tidy(AWARE, [london("2018-04-01", 30.0), london("2021-01-01", 30.0),
                               stp("2018-04-01", 28.0), stp("2021-01-01", 31.0)]),
        AWARE_GPS.id: tidy(AWARE_GPS, [london("2018-04-01", 30.0), london("2021-01-01", 30.0),
                                       stp("2018-04-01", 10.0), stp("2021-01-01", 60.0)]),
    }
    sections, _ = summarise(values, [AWARE, AWARE_GPS])
    assert sentences_of(sections, AWARE.id)[-1] == "It has not changed much since April 2018."
    assert not any("since" in s or "April 2018" in s for s in sentences_of(sections, AWARE_GPS.id))


def test_a_figure_that_went_down_says_so_with_the_earlier_rate():
    table = tidy(GP_RATE, [london("2018-04-01", 0.7), london("2021-01-01", 0.6),
                           stp("2018-04-01", 0.71), stp("2021-01-01", 0.58)])
    sentences = sentences_of(summarise({GP_RATE.id: table}, [GP_RATE])[0], GP_RATE.id)
    assert sentences[-1] == "This has gone down since April 2018, when it was about 7 for every 10,000 people."


def test_an_unavailable_table_gives_the_manifest_sentence_once_for_the_domain():
    reason = "There is no public survey of who knows the local plan."
    sections, _ = summarise({}, [AWARE, AWARE_GPS], unavailable={"vision_survey": reason})
    vision = next(s for s in sections if s.domain_id == "vision")
    assert vision.sentences == (reason,)
    assert vision.paragraphs[0].indicator_ids == (AWARE.id, AWARE_GPS.id)


def test_an_indicator_without_a_table_or_reason_says_there_is_no_figure_under_its_own_name():
    sections, _ = summarise({}, [AWARE, AWARE_GPS])
    vision = next(s for s in sections if s.domain_id == "vision")
    assert [p.title for p in vision.paragraphs] == [AWARE.plain_name, AWARE_GPS.plain_name]
    assert vision.sentences == ("There is no figure for this yet.", "There is no figure for this yet.")


def test_a_borough_summary_names_its_part_of_london_and_never_a_practice():
    rows = [london("2021-01-01", 80.0), stp("2021-01-01", 85.0), borough("2021-01-01", 90.0, "better"),
            ("2021-01-01", "practice", "G85001", "Alpha Surgery", "QKK", 99.0, "better")]
    sections, text = summarise({COVERAGE.id: tidy(COVERAGE, rows)}, [COVERAGE],
                               area_code="E09000022", area_level="borough")
    assert "Lambeth is a borough in London, part of South East London." in sections[0].sentences
    assert sentences_of(sections, COVERAGE.id)[0].startswith("In Lambeth, about 9 in 10 people")
    assert "Alpha Surgery" not in text and "G85001" not in text


def test_the_city_of_london_reads_as_the_city_of_london():
    rows = [london("2021-01-01", 80.0), borough("2021-01-01", 90.0, code="E09000001", name="City of London")]
    sections, _ = summarise({COVERAGE.id: tidy(COVERAGE, rows)}, [COVERAGE],
                            area_code="E09000001", area_level="borough")
    assert sentences_of(sections, COVERAGE.id)[0].startswith("In the City of London, about 9 in 10")


def test_a_sentence_that_would_be_too_long_drops_the_area_name():
    long_one = make_definition(
        "non_gp_clinical_share", "Out of all the health staff in GP surgeries, how many are nurses, "
        "pharmacists and others rather than family doctors, midwives or dentists.", domain="workforce")
    rows = [london("2021-01-01", 40.0), borough("2021-01-01", 42.0, code="E09000020",
                                                name="Kensington and Chelsea")]
    sections, text = summarise({long_one.id: tidy(long_one, rows)}, [long_one],
                               area_code="E09000020", area_level="borough")
    assert sentences_of(sections, long_one.id)[0].startswith("Here, about 4 in 10 of all the health staff")
    assert [p for p in check_plain_language(text) if p.kind == "long_sentence"] == []


def test_a_hand_built_summary_passes_every_plain_language_check():
    values = {
        COVERAGE.id: tidy(COVERAGE, [london("2018-04-01", 50.0), london("2021-01-01", 80.0),
                                     stp("2018-04-01", 61.0), stp("2021-01-01", 90.0, "better")]),
        MINUTES.id: tidy(MINUTES, [london("2021-01-01", 40.0), stp("2021-01-01", 45.4, "better")]),
        GP_RATE.id: tidy(GP_RATE, [london("2021-01-01", 0.62), stp("2021-01-01", 0.58)]),
        AWARE.id: tidy(AWARE, [london("2021-01-01", 30.0), stp("2021-01-01", 25.0, "worse")]),
        MATURITY.id: tidy(MATURITY, [london("2021-01-01", 30.0), stp("2021-01-01", None)]),
        EXTENDED_HOURS.id: tidy(EXTENDED_HOURS, [london("2020-04-01", 60.0), stp("2020-04-01", 62.0)]),
    }
    _, text = summarise(values, [COVERAGE, MINUTES, GP_RATE, AWARE, MATURITY, EXTENDED_HOURS],
                        illustrative=True)
    assert check_plain_language(text) == []


def test_every_indicator_in_the_real_config_reads_plainly_in_a_sentence():
    config = load_config(ROOT / "config.yaml")
    values = {}
    for definition in config.indicators:
        typical = 60.0 if definition.unit == "%" else 0.6 * definition.multiplier / 1000 * 5
        values[definition.id] = tidy(definition, [
            london("2018-04-01", typical * 0.8), london("2021-01-01", typical),
            stp("2018-04-01", typical * 0.7), stp("2021-01-01", typical * 1.2, "better")])
    sections = compute_area_summary(values, config.indicators, config.domains, AREAS, area_code="QKK",
                                    area_level="stp", period="2021-01-01")
    text = compute_summary_text(sections)
    assert check_plain_language(text) == []
    figure_sentences = [p.sentences for s in sections[1:] for p in s.paragraphs]
    assert len(figure_sentences) == len(config.indicators)
    assert not any("the figure is" in s for sentences in figure_sentences for s in sentences), \
        "an indicator's plain_description fell back to the generic wording"


@pytest.mark.parametrize("areas", [AREAS, AreaModel()], ids=["london", "no-areas-section"])
def test_every_glossary_explanation_is_short_plain_and_explains_its_own_acronym(areas):
    glossary = compute_glossary(areas)
    terms = [entry.term.lower() for entry in glossary]
    assert len(terms) == len(set(terms))
    for needed in ("STP", "CCG", "PCN", "ICS", "FTE", "GP", "ODS code", "federation", "extended access",
                   "extended hours", "direct patient care", "maturity matrix", "confidence interval",
                   "funnel plot", "practice", "borough", "registered patients",
                   "social prescribing link worker", "NHS"):
        assert find_glossary_entry(needed) is not None, needed
    shown = []
    for entry in glossary:  # as the glossary page lists them, in this order
        shown.append(f"{entry.heading}.\n{entry.explanation}")
    problems = check_plain_language("\n".join(shown))
    assert [p for p in problems if p.kind != "reading_grade"] == []
    all_explanations = " ".join(entry.explanation for entry in glossary)
    assert compute_reading_grade(all_explanations) <= 8
    assert "{" not in all_explanations


def test_the_glossary_names_the_datas_own_region_and_partnerships():
    glossary = {entry.term: entry.explanation for entry in compute_glossary(AREAS)}
    assert glossary["STP"].endswith("London has two: North East London, South East London.")
    assert glossary["borough"] == "A local council area of a city. On this dashboard London has three boroughs."
    assert "London as a whole" in glossary["benchmark"]
    assert not any("London" in entry.explanation for entry in compute_glossary(AreaModel()))
    assert len(GLOSSARY) == len(glossary)


def test_glossary_lookup_ignores_case_plurals_and_finds_plain_aliases():
    assert find_glossary_entry("gps").term == "GP"
    assert find_glossary_entry("family doctor").term == "GP"
    assert find_glossary_entry("Primary Care Network").term == "PCN"
    assert find_glossary_entry("nothing like this") is None
    assert find_glossary_entry("ODS code").heading == "Organisation Data Service (ODS) code"
    assert find_glossary_entry("GP").heading == "General practitioner (GP)"
    assert find_glossary_entry("borough").heading == "borough"


# --- every STP and borough of the demo data -------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    compute = pytest.importorskip("indicators.compute")
    datasets = pytest.importorskip("indicators.datasets")
    data_dir = ROOT / "data"
    if not (data_dir / "practices.csv").exists():
        pytest.skip("The demo data is not there; run scripts/make_demo_data.py first.")
    config = load_config(ROOT / "config.yaml")
    data = datasets.load_data(config, data_dir)
    values, unavailable = {}, dict(data.unavailable)
    for definition in config.indicators:
        try:
            values[definition.id] = compute.compute_indicator_values(definition, data)
        except IndicatorUnavailable as reason:
            unavailable.setdefault(definition.id, str(reason))
    return config, data, values, unavailable


def _demo_areas():
    practices = ROOT / "data" / "practices.csv"
    if not practices.exists():
        return [pytest.param("stp", "", id="no-demo-data")]
    geography = pd.read_csv(practices, dtype=str, keep_default_na=False)
    stps = sorted(set(geography["stp_code"]) - {""})
    boroughs = sorted(set(geography["borough_code"]) - {""})
    return [pytest.param("stp", code, id=f"stp-{code}") for code in stps] + [
        pytest.param("borough", code, id=f"borough-{code}") for code in boroughs]


@pytest.mark.parametrize("area_level, area_code", _demo_areas())
def test_every_demo_area_summary_is_plain_language_grade_8_or_lower(demo, area_level, area_code):
    config, data, values, unavailable = demo
    sections = compute_area_summary(values, config.indicators, config.domains, data.areas, area_code=area_code,
                                    area_level=area_level, period=data.periods[-1], unavailable=unavailable,
                                    illustrative=data.label == "illustrative")
    text = compute_summary_text(sections)
    assert compute_reading_grade(text) <= 8, text
    assert find_unexplained_acronyms(text) == [], text
    assert find_decimal_numbers(text) == [], text
    assert check_plain_language(text) == [], text
    names = set(data.geography["practice_name"])
    assert not any(name and name in text for name in names), "a practice is named in a public summary"


# --- reasons written for specialists, and the words that go with a chart ---------------------------

def test_a_reason_with_jargon_gives_a_plain_sentence_instead_and_a_plain_one_is_kept():
    jargon = "The imported NHS files do not give PCN maturity scores, so this dashboard shows no figure."
    sections, _ = summarise({}, [AWARE, AWARE_GPS], unavailable={"vision_survey": jargon})
    vision = next(s for s in sections if s.domain_id == "vision")
    assert vision.sentences == ("We have no figures for this, so we cannot say how this area is doing.",)
    files = "There is no forum answers file (forum_vision_survey.csv) in the data folder yet, so there is no figure."
    sections, _ = summarise({}, [AWARE], unavailable={AWARE.id: files})
    assert next(s for s in sections if s.domain_id == "vision").sentences == (
        "We have no figures for this, so we cannot say how this area is doing.",)
    plain = "There is no public survey of who knows the local plan."
    sections, _ = summarise({}, [AWARE], unavailable={AWARE.id: plain})
    assert next(s for s in sections if s.domain_id == "vision").sentences == (plain,)


def test_a_general_reason_for_part_of_a_domain_sits_under_each_indicator_title():
    jargon = "FTE data were not supplied by the CSU for this ICS."
    coverage = tidy(COVERAGE, [london("2021-01-01", 80.0), stp("2021-01-01", 90.0)])
    sections, _ = summarise({COVERAGE.id: coverage}, [COVERAGE, MINUTES, EXTENDED_HOURS],
                            unavailable={MINUTES.id: jargon, EXTENDED_HOURS.id: jargon})
    access = next(s for s in sections if s.domain_id == "access")
    assert [p.title for p in access.paragraphs] == [COVERAGE.plain_name, MINUTES.plain_name,
                                                    EXTENDED_HOURS.plain_name]


def test_a_chart_of_an_area_and_london_is_described_in_the_summary_words():
    table = tidy(COVERAGE, [london("2018-04-01", 50.0), london("2021-01-01", 80.0),
                            stp("2018-04-01", 61.0), stp("2021-01-01", 90.0, "better")])
    table.loc[table["level"] == "stp", ["lower_95", "upper_95"]] = [[58.0, 64.0], [88.0, 92.0]]
    text = compute_chart_description(COVERAGE, table, area_code="QKK", area_level="stp", period="2021-01-01")
    assert text == (
        "The chart has one line for South East London and one for London as a whole. "
        "They go from April 2018 to January 2021. "
        "In South East London, it rose from about 6 in 10 to about 9 in 10. "
        "In London as a whole, it rose from about half to about 8 in 10. "
        "We say about the same when it moved by less than 5 in 100. "
        "The shaded band shows the range where the true figure for South East London most likely lies. "
        "The dashed line shows the aim.")
    assert check_plain_language(text) == []


def test_a_chart_with_one_month_and_a_steady_rate_reads_naturally():
    table = tidy(GP_RATE, [london("2021-01-01", 0.62), stp("2020-04-01", 0.58), stp("2021-01-01", 0.6)])
    text = compute_chart_description(GP_RATE, table, area_code="QKK", area_level="stp", period="2021-01-01")
    assert "In South East London, it stayed about the same (about 6 for every 10,000 people)." in text
    assert "In London as a whole, it was about 6 for every 10,000 people." in text
    only_london = compute_chart_description(GP_RATE, table, area_code="QKK", area_level="stp",
                                            period="2020-01-01")
    assert only_london == "The chart has no figures to show yet."


def test_figures_in_words_share_one_footing_and_say_when_one_is_missing():
    # One base per indicator (its plain_multiplier), whatever the figures: never switched to 100,000.
    assert compute_figures_in_words(GP_RATE, [0.58, 0.062, math.nan]) == [
        "about 6 for every 10,000 people", "about 1 for every 10,000 people", "not shown"]
    assert compute_figures_in_words(COVERAGE, [97.3, 50.0]) == ["about 97 in 100", "about half"]
