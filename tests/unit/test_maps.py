"""Tests for figures/maps.py: offline maps of the places (tiles or GeoJSON), legend table and alt text."""
import copy
import json
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from figures import maps, palette
from indicators.areas import Area, AreaModel, LevelName
from indicators.datasets import load_data
from indicators.definitions import IndicatorDefinition, Measure, Target, load_config

ROOT = Path(__file__).resolve().parents[2]
ONS_CODES = {f"E09{number:06d}" for number in range(1, 34)}
# Ten invented places in three systems, and no tile layout: the map lays them out itself.
ELSEWHERE = AreaModel(
    Area("region", "E92000001", "England"),
    {"borough": LevelName("CCG area", "CCG areas", "local NHS area", "local NHS areas")},
    systems=(Area("stp", "S1", "Alpha"), Area("stp", "S2", "Beta"), Area("stp", "S3", "Gamma")),
    places=tuple(Area("borough", f"X{n}", f"Place {n:02d}", f"S{n % 3 + 1}") for n in range(10)))
COVERAGE = IndicatorDefinition(
    id="extended_access_coverage", name="Patients with extended access", plain_name="People who can see a GP late",
    description="", plain_description="", domain="access", numerator=Measure("extended_access", ("patients_covered",)),
    denominator=Measure("registered_patients", ("registered_patients",)), multiplier=100, unit="%",
    direction="higher_is_better", comparison="wilson", target=Target(97, "London"),
)


@pytest.fixture(scope="module")
def london():
    """The London demo data's areas and tile layout (map_tiles.csv)."""
    data = load_data(load_config(ROOT / "config.yaml"), ROOT / "data")
    return data.areas, data.map_tiles


def borough_values() -> pd.DataFrame:
    """Hackney 90 (lowest), Camden 100 (highest), Westminster suppressed, everyone else 95."""
    codes = sorted(ONS_CODES)
    values = {code: 95.0 for code in codes} | {"E09000012": 90.0, "E09000007": 100.0, "E09000033": np.nan}
    names = {"E09000012": "Hackney", "E09000007": "Camden", "E09000033": "Westminster"}
    frame = pd.DataFrame({
        "period": "2021-01-01", "level": "borough", "area_code": codes,
        "area_name": [names.get(code, code) for code in codes], "value": [values[code] for code in codes],
        "suppressed": [code == "E09000033" for code in codes],
        "vs_region": ["worse" if code == "E09000012" else "similar" for code in codes],
    })
    older = frame.assign(period="2020-10-01", value=10.0, suppressed=False)
    return pd.concat([older, frame], ignore_index=True)


def deck_spec(deck) -> dict:
    return json.loads(deck.to_json())


def layer(spec: dict, layer_id: str) -> dict:
    return next(item for item in spec["layers"] if item["id"] == layer_id)


def london_map(london, values=None, **options):
    areas, tiles = london
    return maps.build_borough_map(borough_values() if values is None else values, COVERAGE, areas, tile_layout=tiles,
                                  **options)


def test_tile_map_has_one_square_per_london_borough_where_the_data_put_it(london):
    spec = deck_spec(london_map(london))
    tiles = layer(spec, "borough_tiles")
    assert tiles["@@type"] == "PolygonLayer"
    assert {tile["area_code"] for tile in tiles["data"]} == ONS_CODES
    assert len(tiles["data"]) == 33
    corners = {tuple(map(tuple, tile["polygon"])) for tile in tiles["data"]}
    assert len(corners) == 33  # no two boroughs on the same square
    enfield = next(tile for tile in tiles["data"] if tile["area_code"] == "E09000010")  # column 4, row 0
    assert enfield["polygon"][0] == pytest.approx([4 * maps.TILE_SIZE + 0.0036, -0.0036])
    labels = layer(spec, "borough_labels")
    assert labels["@@type"] == "TextLayer"
    assert "sizeUnits" not in labels  # Streamlit's deck.gl draws no text when size_units is set
    assert {label["area_code"] for label in labels["data"]} == ONS_CODES


def test_without_a_layout_the_places_are_laid_out_by_system_then_name():
    tiles = maps.compute_map_tiles(ELSEWHERE)
    assert [tile.code for tile in tiles] == ["X0", "X3", "X6", "X9", "X1", "X4", "X7", "X2", "X5", "X8"]
    assert [(tile.column, tile.row) for tile in tiles[:9]] == [(column, 0) for column in range(8)] + [(0, 1)]
    assert tiles[0].short_name == "PLA"
    spec = deck_spec(maps.build_borough_map(borough_values().iloc[0:0], COVERAGE, ELSEWHERE))
    assert len(layer(spec, "borough_tiles")["data"]) == 10
    assert "London" not in json.dumps(spec)


def test_a_layout_places_some_and_the_rest_go_in_rows_below():
    tiles = maps.compute_map_tiles(ELSEWHERE, {"X5": ("FIV", 2, 3)})
    assert (tiles[0].code, tiles[0].short_name, tiles[0].column, tiles[0].row) == ("X5", "FIV", 2, 3)
    assert {tile.row for tile in tiles[1:]} == {4, 5}


def test_tiles_are_coloured_by_latest_value_and_grey_when_suppressed(london):
    tiles = {tile["area_code"]: tile for tile in layer(deck_spec(london_map(london)), "borough_tiles")["data"]}
    lightest, darkest = palette.SEQUENTIAL_COLORS[0], palette.SEQUENTIAL_COLORS[-1]
    assert tiles["E09000012"]["fill_color"] == [*palette.hex_to_rgb(lightest), 255]
    assert tiles["E09000007"]["fill_color"] == [*palette.hex_to_rgb(darkest), 255]
    assert tiles["E09000033"]["fill_color"] == [*palette.hex_to_rgb(palette.MISSING_COLOR), 255]
    hackney = tiles["E09000012"]
    assert (hackney["area_name"], hackney["value_text"], hackney["status_text"]) == (
        "Hackney", "90.0%", "Worse than London")
    assert tiles["E09000033"]["value_text"] == "Not shown: too few to give a reliable figure"


def test_tile_labels_show_short_name_and_value_in_a_readable_colour(london):
    spec = deck_spec(london_map(london))
    labels = {label["area_code"]: label for label in layer(spec, "borough_labels")["data"]}
    fills = {tile["area_code"]: tile["fill_color"] for tile in layer(spec, "borough_tiles")["data"]}
    assert labels["E09000012"]["label"] == "HCK\n90.0"
    assert labels["E09000033"]["label"] == "WST\nn/a"
    for code, label in labels.items():
        fill = "#{:02X}{:02X}{:02X}".format(*fills[code][:3])
        text = "#{:02X}{:02X}{:02X}".format(*label["text_color"][:3])
        assert palette.compute_contrast_ratio(fill, text) >= 4.5


def test_boroughs_missing_from_the_data_are_grey_tiles(london):
    only_two = borough_values().query("area_code in ['E09000012', 'E09000007']")
    tiles = layer(deck_spec(london_map(london, only_two)), "borough_tiles")["data"]
    grey = [tile for tile in tiles if tile["fill_color"][:3] == list(palette.hex_to_rgb(palette.MISSING_COLOR))]
    assert len(grey) == 31 and all(tile["value_text"] == "No figure" for tile in grey)


def boundaries() -> dict:
    def square(longitude: float, latitude: float) -> dict:
        ring = [[longitude, latitude], [longitude + 0.1, latitude], [longitude + 0.1, latitude + 0.05],
                [longitude, latitude + 0.05], [longitude, latitude]]
        return {"type": "Polygon", "coordinates": [ring]}

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"GSS_CODE": "E09000012", "NAME": "Hackney"}, "geometry": square(-0.1, 51.5)},
        {"type": "Feature", "properties": {"GSS_CODE": "E09000007", "NAME": "Camden"}, "geometry": square(-0.2, 51.5)},
        {"type": "Feature", "properties": {"GSS_CODE": "E09000033", "NAME": "Westminster"},
         "geometry": square(-0.2, 51.45)},
        {"type": "Feature", "properties": {"GSS_CODE": "E09000099", "NAME": "Nowhere"}, "geometry": square(0.0, 51.45)},
    ]}


def test_geojson_map_colours_features_by_value_and_greys_missing_ones(london):
    given = boundaries()
    untouched = copy.deepcopy(given)
    spec = deck_spec(london_map(london, boundaries=given))
    assert given == untouched  # the caller's (cached) GeoJSON is not modified
    assert [item["@@type"] for item in spec["layers"]] == ["GeoJsonLayer"]
    features = {feature["properties"]["GSS_CODE"]: feature["properties"]
                for feature in spec["layers"][0]["data"]["features"]}
    assert spec["layers"][0]["getFillColor"] == "@@=properties.fill_color"
    assert features["E09000012"]["fill_color"] == [*palette.hex_to_rgb(palette.SEQUENTIAL_COLORS[0]), 255]
    assert features["E09000007"]["fill_color"] == [*palette.hex_to_rgb(palette.SEQUENTIAL_COLORS[-1]), 255]
    grey = [*palette.hex_to_rgb(palette.MISSING_COLOR), 255]
    assert features["E09000033"]["fill_color"] == grey and features["E09000099"]["fill_color"] == grey
    assert (features["E09000012"]["value_text"], features["E09000099"]["area_name"]) == ("90.0%", "Nowhere")
    view = spec["initialViewState"]
    assert view["longitude"] == pytest.approx(-0.05) and view["latitude"] == pytest.approx(51.5)


@pytest.mark.parametrize("with_boundaries", [False, True])
def test_map_never_needs_the_internet(london, with_boundaries):
    deck = london_map(london, boundaries=boundaries() if with_boundaries else None)
    spec = deck_spec(deck)
    assert spec["mapStyle"].startswith("data:application/json,")
    style = json.loads(unquote(spec["mapStyle"].removeprefix("data:application/json,")))
    assert style["version"] == 8 and style["sources"] == {}
    assert "#" not in spec["mapStyle"]  # an unquoted "#" would end the data: URL
    assert "http" not in deck.to_json()


def test_legend_lists_five_colour_bands_with_value_ranges_and_grey(london):
    codes = sorted(ONS_CODES)[:11]
    values = pd.DataFrame({"area_code": codes, "area_name": codes, "value": np.arange(11.0), "suppressed": False})
    legend = maps.build_map_legend(values, COVERAGE, london[0])
    assert list(legend.columns) == [*maps.LEGEND_COLUMNS, "Boroughs"]
    assert list(legend["Colour"]) == [*palette.SEQUENTIAL_COLORS, palette.MISSING_COLOR]
    assert list(legend["From"][:5]) == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert list(legend["To"][:5]) == [2.0, 4.0, 6.0, 8.0, 10.0]
    assert list(legend["Boroughs"]) == [2, 2, 2, 2, 3, 22]
    assert legend["Values"].iloc[0] == "0.0% to 2.0%"
    assert legend["Colour name"].iloc[0] == "yellow (lowest)" and legend["Colour name"].iloc[4] == "dark purple (highest)"
    assert legend["Values"].iloc[5].startswith("No figure")


def test_legend_with_three_distinct_values_uses_three_well_separated_colours(london):
    legend = maps.build_map_legend(borough_values(), COVERAGE, london[0])
    assert list(legend["Colour"]) == [palette.SEQUENTIAL_COLORS[0], palette.SEQUENTIAL_COLORS[2],
                                      palette.SEQUENTIAL_COLORS[4], palette.MISSING_COLOR]
    assert list(legend["From"][:3]) == [90.0, 93.3, 96.7]
    assert list(legend["Boroughs"]) == [1, 30, 1, 1]
    assert legend["Boroughs"].sum() == 33


def test_legend_and_bands_cope_with_few_values(london):
    two = borough_values().query("area_code in ['E09000012', 'E09000007']")
    legend = maps.build_map_legend(two, COVERAGE, london[0])
    assert list(legend["Colour"]) == [palette.SEQUENTIAL_COLORS[0], palette.SEQUENTIAL_COLORS[-1], palette.MISSING_COLOR]
    assert list(legend["Boroughs"]) == [1, 1, 31]
    assert list(maps.compute_colour_bands([5.0, 5.0])) == [5.0, 5.0]
    assert maps.compute_colour_bands([np.nan]).size == 0
    assert list(maps.build_map_legend(two.iloc[0:0], COVERAGE, london[0])["Colour"]) == [palette.MISSING_COLOR]
    elsewhere = maps.build_map_legend(two.iloc[0:0], COVERAGE, ELSEWHERE)
    assert list(elsewhere.columns)[-1] == "CCG areas" and list(elsewhere["CCG areas"]) == [10]


def test_describe_borough_map(london):
    assert maps.describe_borough_map(borough_values(), COVERAGE, london[0]) == (
        "Map of patients with extended access in 32 boroughs of London, darker is higher: highest Camden 100.0%, "
        "lowest Hackney 90.0%; 1 without a figure (grey).")
    assert maps.describe_borough_map(borough_values().iloc[0:0], COVERAGE, london[0]) == (
        "Map of the boroughs of London for patients with extended access: no figures to show.")
    assert maps.describe_borough_map(borough_values().iloc[0:0], COVERAGE, ELSEWHERE) == (
        "Map of the CCG areas of England for patients with extended access: no figures to show.")
