"""pydeck maps of the places (boroughs) that work offline (no basemap is fetched), with a key table and alt text.

With boundaries (GeoJSON) the real shapes are drawn; without, one labelled square tile per place, laid out as
the data's map_tiles.csv says (the London demo data give the London squares grid) or, for places it does not
place, in rows by system.
"""
import copy
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np
import pandas as pd
import pydeck as pdk

from figures import palette
from figures.chart_style import NOT_SHOWN_REASON, lower_first
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition
from indicators.formatting import format_status

TILE_SIZE = 0.09  # degrees of longitude and latitude: the tiles sit near the equator, where both are square
TILE_GAP = 0.08  # share of a tile left empty between neighbours
TILES_PER_ROW = 8  # the automatic grid: at most this many places a row, each system's places together
MAP_BACKGROUND = "#F0F4F5"
# Inline MapLibre style: a plain background, nothing fetched. quote() keeps "#" inside the URL.
OFFLINE_MAP_STYLE = "data:application/json," + quote(json.dumps({
    "version": 8,
    "sources": {},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": MAP_BACKGROUND}}],
}))
BAND_COUNT = len(palette.SEQUENTIAL_COLORS)
MAP_FIT_PIXELS = 320  # the whole region fits a phone's width (375 px less the page's margins) and a map column
WORLD_PIXELS = 512  # deck.gl and MapLibre draw the world 512 pixels wide at zoom 0
LEGEND_COLUMNS = ["Colour", "Colour name", "From", "To", "Values"]  # then how many places


def _rgba(colour: str, alpha: int = 255) -> list[int]:
    return [*palette.hex_to_rgb(colour), alpha]


def _shown_values(borough_values: pd.DataFrame) -> pd.Series:
    """area_code -> value for boroughs with a published value (suppressed and NaN left out)."""
    if borough_values.empty:
        return pd.Series(dtype=float)
    rows = borough_values
    if "period" in rows.columns:
        rows = rows[rows["period"].astype(str) == str(rows["period"].astype(str).max())]
    value = pd.to_numeric(rows["value"], errors="coerce")
    if "suppressed" in rows.columns:
        value = value.where(~rows["suppressed"].fillna(False).astype(bool))
    series = pd.Series(value.to_numpy(dtype=float), index=rows["area_code"].astype(str).to_numpy())
    return series[~series.index.duplicated()].dropna()


def _latest_rows(borough_values: pd.DataFrame) -> dict[str, dict]:
    if borough_values.empty:
        return {}
    rows = borough_values
    if "period" in rows.columns:
        rows = rows[rows["period"].astype(str) == str(rows["period"].astype(str).max())]
    return {str(row["area_code"]): row for row in rows.to_dict("records")}


def compute_colour_bands(values) -> np.ndarray:
    """Equal-width band edges over the values' range: up to five bands, fewer for few distinct values."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return np.array([])
    low, high = float(finite.min()), float(finite.max())
    if high == low:
        return np.array([low, high])
    bands = min(BAND_COUNT, len(np.unique(finite)))
    return np.linspace(low, high, bands + 1)


def _band_colours(edges: np.ndarray) -> list[tuple[str, str]]:
    """(hex, name) per band, spread over the sequential palette from light (low) to dark (high)."""
    bands = max(len(edges) - 1, 0)
    if bands == 0:
        return []
    if bands == 1:
        positions = [BAND_COUNT // 2]
    else:
        positions = [round(index * (BAND_COUNT - 1) / (bands - 1)) for index in range(bands)]
    return [(palette.SEQUENTIAL_COLORS[at], palette.SEQUENTIAL_COLOR_NAMES[at]) for at in positions]


def _band_index(value: float, edges: np.ndarray) -> int:
    return int(np.clip(np.searchsorted(edges, value, side="right") - 1, 0, len(edges) - 2))


def _colour_for(value: float | None, edges: np.ndarray) -> str:
    if value is None or not np.isfinite(value) or len(edges) < 2:
        return palette.MISSING_COLOR
    return _band_colours(edges)[_band_index(value, edges)][0]


def _describe_row(row: dict | None, name: str, definition: IndicatorDefinition, status_column: str,
                  benchmark_name: str) -> dict:
    """Tooltip fields for one place: name, value with unit, comparison words."""
    if row is None:
        return {"area_name": name, "value_text": "No figure", "status_text": ""}
    suppressed = bool(row.get("suppressed")) if row.get("suppressed") is not None else False
    value = pd.to_numeric(row.get("value"), errors="coerce")
    if suppressed or pd.isna(value):
        value_text = f"Not shown: {NOT_SHOWN_REASON}" if suppressed else "No figure"
        return {"area_name": str(row.get("area_name") or name), "value_text": value_text, "status_text": ""}
    return {
        "area_name": str(row.get("area_name") or name),
        "value_text": definition.format_value(value),
        "status_text": format_status(row.get(status_column, "not compared"), benchmark_name),
    }


@dataclass(frozen=True)
class MapTile:
    """One place's square on the tile map: its code, name, short label, and column and row from the top left."""

    code: str
    name: str
    short_name: str
    column: int
    row: int


def compute_map_tiles(areas: AreaModel, layout: Mapping[str, tuple[str, int, int]] | None = None) -> list[MapTile]:
    """A tile per place: where `layout` (code -> short name, column, row) puts it, the rest in rows of up to
    TILES_PER_ROW below, each system's places together (by system, then place name)."""
    layout = dict(layout or {})
    tiles = [MapTile(area.code, area.name, layout[area.code][0], layout[area.code][1], layout[area.code][2])
             for area in areas.places if area.code in layout]
    system_order = {code: position for position, code in enumerate(areas.names("stp"))}
    rest = sorted((area for area in areas.places if area.code not in layout),
                  key=lambda area: (system_order.get(area.parent_code, len(system_order)), area.name))
    first_row = max((tile.row for tile in tiles), default=-1) + 1
    for position, area in enumerate(rest):
        row, column = divmod(position, TILES_PER_ROW)
        tiles.append(MapTile(area.code, area.name, _short_name(area.name), column, first_row + row))
    return tiles


def _short_name(name: str) -> str:
    """Three capitals for a tile's label: 'Quillamere' -> 'QUI'; the tooltip and key give the full name."""
    letters = "".join(character for character in name if character.isalpha())
    return letters[:3].upper() or name[:3]


def _tile_polygon(column: int, row: int) -> list[list[float]]:
    west, north = column * TILE_SIZE, -row * TILE_SIZE
    inset = TILE_SIZE * TILE_GAP / 2
    east, south = west + TILE_SIZE, north - TILE_SIZE
    corners = [(west + inset, north - inset), (east - inset, north - inset),
               (east - inset, south + inset), (west + inset, south + inset)]
    return [[round(longitude, 5), round(latitude, 5)] for longitude, latitude in corners + corners[:1]]


def _tooltip() -> dict:
    return {
        "text": "{area_name}\n{value_text}\n{status_text}",
        "style": {"fontSize": "16px", "backgroundColor": palette.TEXT_COLOR, "color": "#FFFFFF"},
    }


def _tile_layers(borough_values: pd.DataFrame, definition: IndicatorDefinition, tiles: list[MapTile],
                 status_column: str, benchmark_name: str) -> list[pdk.Layer]:
    shown = _shown_values(borough_values)
    edges = compute_colour_bands(shown.to_numpy())
    rows = _latest_rows(borough_values)
    tile_data, labels = [], []
    for tile in tiles:
        details = _describe_row(rows.get(tile.code), tile.name, definition, status_column, benchmark_name)
        value = shown.get(tile.code)
        fill = _colour_for(value, edges)
        polygon = _tile_polygon(tile.column, tile.row)
        tile_data.append({"area_code": tile.code, "short_name": tile.short_name, "polygon": polygon,
                          "fill_color": _rgba(fill), **details})
        number = definition.format_value(value, with_unit=False) if value is not None else "n/a"
        labels.append({
            "area_code": tile.code,
            "position": [round((polygon[0][0] + polygon[1][0]) / 2, 5), round((polygon[0][1] + polygon[2][1]) / 2, 5)],
            "label": f"{tile.short_name}\n{number}",
            "text_color": _rgba(palette.readable_text_colour(fill)),
        })
    return [
        pdk.Layer("PolygonLayer", data=tile_data, id="borough_tiles", get_polygon="polygon",
                  get_fill_color="fill_color", get_line_color=_rgba(palette.TEXT_COLOR),
                  line_width_min_pixels=1, stroked=True, filled=True, pickable=True),
        # No size_units: Streamlit's deck.gl drops text that sets it (streamlit/streamlit#9488);
        # the default unit is already pixels.
        pdk.Layer("TextLayer", data=labels, id="borough_labels", get_position="position",
                  get_text="label", get_color="text_color", get_size=14,
                  font_weight=700, line_height=1.1, pickable=False),
    ]


def _boundary_layer(borough_values: pd.DataFrame, definition: IndicatorDefinition, boundaries: dict,
                    areas: AreaModel, status_column: str) -> pdk.Layer:
    """A GeoJsonLayer over a copy of the boundaries, each feature carrying its colour and tooltip."""
    shown = _shown_values(borough_values)
    edges = compute_colour_bands(shown.to_numpy())
    rows = _latest_rows(borough_values)
    names = areas.names("borough")
    collection = copy.deepcopy(boundaries)
    for feature in collection.get("features", []):
        properties = feature.setdefault("properties", {}) or {}
        feature["properties"] = properties
        code = str(properties.get("GSS_CODE", ""))
        fallback = properties.get("NAME") or names.get(code, code)
        value = shown.get(code)
        properties.update(_describe_row(rows.get(code), str(fallback), definition, status_column, areas.region.name))
        properties["fill_color"] = _rgba(_colour_for(value, edges))
    return pdk.Layer("GeoJsonLayer", data=collection, id="borough_boundaries", filled=True, stroked=True,
                     get_fill_color="properties.fill_color", get_line_color=_rgba(palette.TEXT_COLOR),
                     line_width_min_pixels=1, pickable=True)


def _positions(geometry: dict):
    coordinates = geometry.get("coordinates", []) if isinstance(geometry, dict) else []
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)) and len(item) >= 2 and all(isinstance(x, (int, float)) for x in item[:2]):
            yield float(item[0]), float(item[1])
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _view_for(points: list[tuple[float, float]]) -> pdk.ViewState:
    """A view that fits the points (the boundaries' or the tiles' corners) in about MAP_FIT_PIXELS."""
    if not points:
        return pdk.ViewState(longitude=0, latitude=0, zoom=1)
    longitudes, latitudes = zip(*points)
    middle = (min(latitudes) + max(latitudes)) / 2
    span = max(max(longitudes) - min(longitudes),
               (max(latitudes) - min(latitudes)) / max(math.cos(math.radians(middle)), 0.01), 1e-3)
    zoom = max(1.0, min(14.0, math.log2(360 * MAP_FIT_PIXELS / WORLD_PIXELS / span)))
    return pdk.ViewState(longitude=(min(longitudes) + max(longitudes)) / 2, latitude=middle, zoom=round(zoom, 2))


def build_borough_map(borough_values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                      tile_layout: Mapping[str, tuple[str, int, int]] | None = None, boundaries: dict | None = None,
                      status_column: str = "vs_region") -> pdk.Deck:
    """A map of one indicator by place, coloured by value (grey: suppressed or no figure).

    `borough_values`: tidy indicator rows at borough level (area_code, area_name, value, suppressed,
    vs_region, period: the latest is drawn). With `boundaries` (GeoJSON whose features have
    properties.GSS_CODE) the real shapes are drawn; without, one labelled square per place of `areas`
    (compute_map_tiles with `tile_layout`). No basemap is fetched: the style is inline.
    """
    if boundaries:
        layers = [_boundary_layer(borough_values, definition, boundaries, areas, status_column)]
        points = [point for feature in boundaries.get("features", [])
                  for point in _positions(feature.get("geometry") or {})]
    else:
        tiles = compute_map_tiles(areas, tile_layout)
        layers = _tile_layers(borough_values, definition, tiles, status_column, areas.region.name)
        points = [tuple(point) for tile in tiles for point in _tile_polygon(tile.column, tile.row)]
    return pdk.Deck(layers=layers, initial_view_state=_view_for(points), map_style=OFFLINE_MAP_STYLE,
                    tooltip=_tooltip())


def build_map_legend(values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel) -> pd.DataFrame:
    """The map's colour key as a table: one row per colour band (and grey if any place has none).

    Columns: Colour (hex), Colour name, From, To (numbers rounded to the indicator's decimals),
    Values (the range as text, with unit), and how many places (headed 'Boroughs', or what the data call
    them). Counts grey for every place of `areas` without a published value.
    """
    shown = _shown_values(values)
    edges = compute_colour_bands(shown.to_numpy())
    decimals = definition.decimals
    count_column = areas.place.plural_title
    records = []
    if len(edges) >= 2:
        counts = np.bincount([_band_index(value, edges) for value in shown.to_numpy()], minlength=len(edges) - 1)
        for index, (colour, name) in enumerate(_band_colours(edges)):
            low, high = float(edges[index]), float(edges[index + 1])
            if len(edges) == 2:
                name = f"{name} (all the same)" if low == high else name
            elif index == 0:
                name = f"{name} (lowest)"
            elif index == len(edges) - 2:
                name = f"{name} (highest)"
            text = (definition.format_value(low) if low == high
                    else f"{definition.format_value(low)} to {definition.format_value(high)}")
            records.append({"Colour": colour, "Colour name": name, "From": round(low, decimals),
                            "To": round(high, decimals), "Values": text, count_column: int(counts[index])})
    codes = set(_latest_rows(values)) | set(areas.names("borough"))
    missing = len([code for code in codes if code not in shown.index])
    if missing:
        records.append({"Colour": palette.MISSING_COLOR, "Colour name": palette.MISSING_COLOR_NAME,
                        "From": np.nan, "To": np.nan,
                        "Values": f"No figure ({NOT_SHOWN_REASON}, or not published)", count_column: missing})
    return pd.DataFrame.from_records(records, columns=[*LEGEND_COLUMNS, count_column])


def describe_borough_map(borough_values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                         plain_language: bool = False) -> str:
    """One sentence saying what build_borough_map shows, for alt text."""
    label = lower_first(definition.plain_name if plain_language and definition.plain_name else definition.name)
    place, region = areas.place, areas.region.name
    shown = _shown_values(borough_values)
    rows = _latest_rows(borough_values)
    if shown.empty:
        return f"Map of the {place.plural} of {region} for {label}: no figures to show."
    names = areas.names("borough")

    def name(code: str) -> str:
        row = rows.get(code) or {}
        return str(row.get("area_name") or names.get(code, code))

    count = f"{len(shown)} {place.name if len(shown) == 1 else place.plural}"
    sentence = (f"Map of {label} in {count} of {region}, darker is higher: highest "
                f"{name(shown.idxmax())} {definition.format_value(shown.max())}, lowest "
                f"{name(shown.idxmin())} {definition.format_value(shown.min())}")
    missing = len(set(rows) | set(names)) - len(shown)
    if missing:
        sentence += f"; {missing} without a figure (grey)"
    return sentence + "."


def build_map_area_table(borough_values: pd.DataFrame, definition: IndicatorDefinition, areas: AreaModel, *,
                         tile_layout: Mapping[str, tuple[str, int, int]] | None = None,
                         with_labels: bool = True) -> pd.DataFrame:
    """Every place on the map by name, in name order: its label on the tile map (with_labels), its figure with
    its unit and its comparison with the region in words. The map's list for screen readers and for anyone who
    cannot tell places apart by position or colour."""
    rows = _latest_rows(borough_values)
    region, place = areas.region.name, areas.place.title
    labels = {tile.code: tile.short_name for tile in compute_map_tiles(areas, tile_layout)} if with_labels else {}
    records = []
    for code, name in sorted(areas.names("borough").items(), key=lambda item: item[1]):
        details = _describe_row(rows.get(code), name, definition, "vs_region", region)
        record = {place: details["area_name"]}
        if labels:
            record["On the map"] = labels.get(code, "")
        record[definition.name] = details["value_text"]
        record[f"Compared with {region}"] = details["status_text"] or "Not compared"
        records.append(record)
    columns = [place, *(["On the map"] if labels else []), definition.name, f"Compared with {region}"]
    return pd.DataFrame.from_records(records, columns=columns)


def build_swatch(colour: str, size: int = 16) -> str:
    """A small square of one colour as an image address (SVG), to show a map key's colours as colours."""
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{size}' height='{size}'><rect width='{size}' "
           f"height='{size}' fill='{colour}' stroke='{palette.TEXT_COLOR}' stroke-width='1'/></svg>")
    return "data:image/svg+xml," + quote(svg)
