"""Tests for indicators/areas.py: the area model is read from the data, with generic defaults and warnings."""
import pandas as pd
import pytest

from indicators.areas import (
    DEFAULT_REGION,
    Area,
    LevelName,
    build_area_model,
    read_area_settings,
)
from indicators.datasets import load_data
from indicators.definitions import load_config
from indicators.formatting import format_count

GEOGRAPHY = pd.DataFrame({
    "practice_code": ["P1", "P2", "P3", "P4", "P5"],
    "borough_code": ["B2", "B2", "B1", "B3", "B3"],
    "borough_name": ["Zeta", "Zeta", "Alpha", "Mid", "Mid"],
    "stp_code": ["S1", "S1", "S1", "S2", "S1"],
    "stp_name": ["South", "South", "South", "North", "South"],
})


def test_systems_and_places_come_from_the_practices_sorted_by_name_each_place_in_its_system():
    model = build_area_model(GEOGRAPHY)
    assert model.names("stp") == {"S2": "North", "S1": "South"}
    assert model.names("borough") == {"B1": "Alpha", "B3": "Mid", "B2": "Zeta"}
    # B3 has one practice in S2 and one in S1: the tie goes to the first code
    assert [area.parent_code for area in model.places] == ["S1", "S1", "S1"]
    assert model.names("borough", system_code="S1") == {"B1": "Alpha", "B3": "Mid", "B2": "Zeta"}
    assert model.names("borough", system_code="S2") == {}
    assert model.count("stp") == 2


def test_a_practice_with_no_borough_counts_in_its_system_but_makes_no_nameless_place():
    unplaced = pd.concat([GEOGRAPHY, pd.DataFrame({"practice_code": ["P6"], "borough_code": [""], "borough_name": [""],
                                                   "stp_code": ["S3"], "stp_name": ["East"]})])
    model = build_area_model(unplaced)
    assert model.names("stp") == {"S3": "East", "S2": "North", "S1": "South"}
    assert model.names("borough") == {"B1": "Alpha", "B3": "Mid", "B2": "Zeta"}


def test_a_place_belongs_to_the_system_most_of_its_practices_are_in():
    geography = GEOGRAPHY.assign(stp_code=["S1", "S1", "S1", "S2", "S2"], stp_name=["South"] * 3 + ["North"] * 2)
    assert build_area_model(geography).names("borough", system_code="S2") == {"B3": "Mid"}


def test_the_region_and_level_names_come_from_dataset_yaml():
    problems = []
    region, levels = read_area_settings({
        "region": {"code": "E92000001", "name": "England"},
        "levels": {"borough": {"name": "CCG area", "plural": "CCG areas", "plain_name": "local NHS area",
                               "plain_plural": "local NHS areas"}},
    }, "dataset.yaml", problems)
    model = build_area_model(GEOGRAPHY, region, levels)
    assert problems == []
    assert model.region == Area("region", "E92000001", "England")
    assert model.place == LevelName("CCG area", "CCG areas", "local NHS area", "local NHS areas")
    assert model.place.title == "CCG area"
    assert model.system.name == "system"  # not given: the generic name
    assert model.level("region").name == "England"
    assert model.count_phrase("borough") == "the three CCG areas"


def test_without_an_areas_section_the_names_are_generic_and_a_warning_says_so():
    problems = []
    region, levels = read_area_settings(None, "dataset.yaml", problems)
    assert region == DEFAULT_REGION
    assert (levels["stp"].name, levels["borough"].name) == ("system", "place")
    assert [(p.field, p.severity) for p in problems] == [("areas", "warning")]
    assert "Region" in problems[0].message


@pytest.mark.parametrize(("raw", "field"), [
    ("London", "areas"),
    ({"region": {"code": "E40000003"}}, "areas.region"),
    ({"region": {"code": "E40000003", "name": "London"}, "levels": {"stp": {"name": "STP"}}}, "areas.levels.stp"),
    ({"region": {"code": "E40000003", "name": "London"}, "levels": {"ward": {"name": "ward", "plural": "wards"}}},
     "areas.levels.ward"),
    ({"region": {"code": "E40000003", "name": "London"}, "colour": "blue"}, "areas.colour"),
])
def test_a_bad_areas_section_is_reported_by_field_and_defaults_are_used(raw, field):
    problems = []
    region, levels = read_area_settings(raw, "dataset.yaml", problems)
    assert [p.field for p in problems] == [field]
    assert region.name == ("London" if field.startswith("areas.") and field != "areas.region" else "Region")
    assert levels["stp"].name == "system"


def test_counts_in_sentences_are_words_up_to_ten():
    assert [format_count(n) for n in (1, 5, 10, 11, 42, 1250)] == ["one", "five", "ten", "11", "42", "1,250"]
    model = build_area_model(GEOGRAPHY.iloc[:1])
    assert model.count_phrase("stp") == "the system"


def test_the_loaded_data_carry_the_area_model(small_dir):
    data = load_data(load_config(small_dir / "config.yaml"), small_dir)
    assert data.areas.region == Area("region", "E40000003", "London")
    assert data.areas.names("stp") == {"S1": "STP One", "S2": "STP Two"}
    assert data.areas.count_phrase("stp") == "the two STPs"
    assert not [p for p in data.problems if p.field and p.field.startswith("areas")]
