"""pydeck borough maps that work offline (no basemap is fetched), with a legend table and alt text."""

import copy
import json
import math
from urllib.parse import quote

import numpy as np
import pandas as pd
import pydeck as pdk

from components import palette
from components.charts import NOT_SHOWN_REASON, format_value

# The London squares grid: (column, row) from the north-west corner, one tile per borough.
BOROUGH_TILES = {
    "E09000010": ("Enfield", "ENF", 4, 0),
    "E09000015": ("Harrow", "HRW", 2, 1),
    "E09000003": ("Barnet", "BNT", 3, 1),
    "E09000014": ("Haringey", "HGY", 4, 1),
    "E09000031": ("Waltham Forest", "WTH", 5, 1),
    "E09000017": ("Hillingdon", "HDN", 0, 2),
    "E09000009": ("Ealing", "EAL", 1, 2),
    "E09000005": ("Brent", "BRT", 2, 2),
    "E09000007": ("Camden", "CMD", 3, 2),
    "E09000019": ("Islington", "ISL", 4, 2),
    "E09000012": ("Hackney", "HCK", 5, 2),
    "E09000026": ("Redbridge", "RDB", 6, 2),
    "E09000016": ("Havering", "HVG", 7, 2),
    "E09000018": ("Hounslow", "HNS", 0, 3),
    "E09000013": ("Hammersmith and Fulham", "HMS", 1, 3),
    "E09000020": ("Kensington and Chelsea", "KNS", 2, 3),
    "E09000033": ("Westminster", "WST", 3, 3),
    "E09000001": ("City of London", "CTY", 4, 3),
    "E09000030": ("Tower Hamlets", "TOW", 5, 3),
    "E09000025": ("Newham", "NWM", 6, 3),
    "E09000002": ("Barking and Dagenham", "BDG", 7, 3),
    "E09000027": ("Richmond upon Thames", "RCH", 1, 4),
    "E09000032": ("Wandsworth", "WND", 2, 4),
    "E09000022": ("Lambeth", "LBH", 3, 4),
    "E09000028": ("Southwark", "SWK", 4, 4),
    "E09000023": ("Lewisham", "LSH", 5, 4),
    "E09000011": ("Greenwich", "GRN", 6, 4),
    "E09000004": ("Bexley", "BXL", 7, 4),
    "E09000021": ("Kingston upon Thames", "KTN", 1, 5),
    "E09000024": ("Merton", "MRT", 2, 5),
    "E09000008": ("Croydon", "CRY", 3, 5),
    "E09000006": ("Bromley", "BRM", 4, 5),
    "E09000029": ("Sutton", "STN", 2, 6),
}
GRID_COLUMNS, GRID_ROWS = 8, 7
# Tiles are square on screen at London's latitude: 0.09 degrees of longitude ~ 0.056 of latitude.
TILE_LONGITUDE, TILE_LATITUDE = 0.09, 0.056
GRID_CENTRE = (-0.12, 51.49)  # (longitude, latitude)
TILE_GAP = 0.08  # share of a tile left empty between neighbours
MAP_BACKGROUND = "#F0F4F5"
# Inline MapLibre style: a plain background, nothing fetched. quote() keeps "#" inside the URL.
OFFLINE_MAP_STYLE = "data:application/json," + quote(json.dumps({
    "version": 8,
    "sources": {},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": MAP_BACKGROUND}}],
}))
BAND_COUNT = len(palette.SEQUENTIAL_COLORS)
LEGEND_COLUMNS = ["Colour", "Colour name", "From", "To", "Values", "Boroughs"]


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


def _describe_row(row: dict | None, name: str, definition, status_column: str) -> dict:
    """Tooltip fields for one borough: name, value with unit, comparison words."""
    if row is None:
        return {"area_name": name, "value_text": "No figure", "status_text": ""}
    suppressed = bool(row.get("suppressed")) if row.get("suppressed") is not None else False
    value = pd.to_numeric(row.get("value"), errors="coerce")
    if suppressed or pd.isna(value):
        value_text = f"Not shown: {NOT_SHOWN_REASON}" if suppressed else "No figure"
        return {"area_name": str(row.get("area_name") or name), "value_text": value_text, "status_text": ""}
    return {
        "area_name": str(row.get("area_name") or name),
        "value_text": format_value(value, definition),
        "status_text": palette.format_status(row.get(status_column, "not compared")),
    }


def _tile_polygon(column: int, row: int) -> list[list[float]]:
    west = GRID_CENTRE[0] + (column - GRID_COLUMNS / 2) * TILE_LONGITUDE
    north = GRID_CENTRE[1] + (GRID_ROWS / 2 - row) * TILE_LATITUDE
    inset_x, inset_y = TILE_LONGITUDE * TILE_GAP / 2, TILE_LATITUDE * TILE_GAP / 2
    east, south = west + TILE_LONGITUDE, north - TILE_LATITUDE
    corners = [(west + inset_x, north - inset_y), (east - inset_x, north - inset_y),
               (east - inset_x, south + inset_y), (west + inset_x, south + inset_y)]
    return [[round(longitude, 5), round(latitude, 5)] for longitude, latitude in corners + corners[:1]]


def _tooltip() -> dict:
    return {
        "text": "{area_name}\n{value_text}\n{status_text}",
        "style": {"fontSize": "16px", "backgroundColor": palette.TEXT_COLOR, "color": "#FFFFFF"},
    }


def _tile_layers(borough_values: pd.DataFrame, definition, status_column: str) -> list[pdk.Layer]:
    shown = _shown_values(borough_values)
    edges = compute_colour_bands(shown.to_numpy())
    rows = _latest_rows(borough_values)
    tiles, labels = [], []
    for code, (name, short, column, row_number) in BOROUGH_TILES.items():
        row = rows.get(code)
        details = _describe_row(row, name, definition, status_column)
        value = shown.get(code)
        fill = _colour_for(value, edges)
        polygon = _tile_polygon(column, row_number)
        tiles.append({"area_code": code, "short_name": short, "polygon": polygon,
                      "fill_color": _rgba(fill), **details})
        number = format_value(value, definition, with_unit=False) if value is not None else "n/a"
        labels.append({
            "area_code": code,
            "position": [round((polygon[0][0] + polygon[1][0]) / 2, 5), round((polygon[0][1] + polygon[2][1]) / 2, 5)],
            "label": f"{short}\n{number}",
            "text_color": _rgba(palette.readable_text_colour(fill)),
        })
    return [
        pdk.Layer("PolygonLayer", data=tiles, id="borough_tiles", get_polygon="polygon",
                  get_fill_color="fill_color", get_line_color=_rgba(palette.TEXT_COLOR),
                  line_width_min_pixels=1, stroked=True, filled=True, pickable=True),
        # No size_units: Streamlit's deck.gl drops text that sets it (streamlit/streamlit#9488);
        # the default unit is already pixels.
        pdk.Layer("TextLayer", data=labels, id="borough_labels", get_position="position",
                  get_text="label", get_color="text_color", get_size=14,
                  font_weight=700, line_height=1.1, pickable=False),
    ]


def _boundary_layer(borough_values: pd.DataFrame, definition, boundaries: dict,
                    status_column: str) -> pdk.Layer:
    """A GeoJsonLayer over a copy of the boundaries, each feature carrying its colour and tooltip."""
    shown = _shown_values(borough_values)
    edges = compute_colour_bands(shown.to_numpy())
    rows = _latest_rows(borough_values)
    collection = copy.deepcopy(boundaries)
    for feature in collection.get("features", []):
        properties = feature.setdefault("properties", {}) or {}
        feature["properties"] = properties
        code = str(properties.get("GSS_CODE", ""))
        fallback = properties.get("NAME") or BOROUGH_TILES.get(code, (code,))[0]
        value = shown.get(code)
        properties.update(_describe_row(rows.get(code), str(fallback), definition, status_column))
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


def _view_for(boundaries: dict | None) -> pdk.ViewState:
    """A view that fits the GeoJSON's bounding box, or the tile grid when there is none."""
    if boundaries:
        points = [point for feature in boundaries.get("features", [])
                  for point in _positions(feature.get("geometry") or {})]
        if points:
            longitudes, latitudes = zip(*points)
            span = max(max(longitudes) - min(longitudes),
                       (max(latitudes) - min(latitudes)) / math.cos(math.radians(51.5)), 1e-3)
            zoom = max(1.0, min(14.0, math.log2(360 * 500 / 256 / span)))
            return pdk.ViewState(longitude=(min(longitudes) + max(longitudes)) / 2,
                                 latitude=(min(latitudes) + max(latitudes)) / 2, zoom=round(zoom, 2))
    return pdk.ViewState(longitude=GRID_CENTRE[0], latitude=GRID_CENTRE[1], zoom=9.0)


def build_borough_map(borough_values: pd.DataFrame, definition, *, boundaries: dict | None = None,
                      status_column: str = "vs_region") -> pdk.Deck:
    """A map of one indicator by borough, coloured by value (grey: suppressed or no figure).

    `borough_values`: tidy indicator rows at borough level (area_code = ONS E09 code, area_name,
    value, suppressed, vs_region, period: the latest is drawn). With `boundaries` (GeoJSON whose
    features have properties.GSS_CODE) the real shapes are drawn; without, one labelled square per
    borough on the London squares grid. No basemap is fetched: the style is inline.
    """
    if boundaries:
        layers = [_boundary_layer(borough_values, definition, boundaries, status_column)]
    else:
        layers = _tile_layers(borough_values, definition, status_column)
    return pdk.Deck(layers=layers, initial_view_state=_view_for(boundaries), map_style=OFFLINE_MAP_STYLE,
                    tooltip=_tooltip())


def build_map_legend(values: pd.DataFrame, definition) -> pd.DataFrame:
    """The map's colour key as a table: one row per colour band (and grey if any borough has none).

    Columns: Colour (hex), Colour name, From, To (numbers rounded to the indicator's decimals),
    Values (the range as text, with unit), Boroughs (how many). Counts grey for any of the 33
    boroughs without a published value.
    """
    shown = _shown_values(values)
    edges = compute_colour_bands(shown.to_numpy())
    decimals = int(getattr(definition, "decimals", 1) or 0)
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
            text = (format_value(low, definition) if low == high
                    else f"{format_value(low, definition)} to {format_value(high, definition)}")
            records.append({"Colour": colour, "Colour name": name, "From": round(low, decimals),
                            "To": round(high, decimals), "Values": text, "Boroughs": int(counts[index])})
    codes = set(_latest_rows(values)) | set(BOROUGH_TILES)
    missing = len([code for code in codes if code not in shown.index])
    if missing:
        records.append({"Colour": palette.MISSING_COLOR, "Colour name": palette.MISSING_COLOR_NAME,
                        "From": np.nan, "To": np.nan,
                        "Values": f"No figure ({NOT_SHOWN_REASON}, or not published)", "Boroughs": missing})
    return pd.DataFrame.from_records(records, columns=LEGEND_COLUMNS)


def describe_borough_map(borough_values: pd.DataFrame, definition, *, plain_language: bool = False) -> str:
    """One sentence saying what build_borough_map shows, for alt text."""
    label = definition.plain_name if plain_language and getattr(definition, "plain_name", None) else definition.name
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        label = label[0].lower() + label[1:]
    shown = _shown_values(borough_values)
    rows = _latest_rows(borough_values)
    if shown.empty:
        return f"Map of London's boroughs for {label}: no figures to show."

    def name(code: str) -> str:
        row = rows.get(code) or {}
        return str(row.get("area_name") or BOROUGH_TILES.get(code, (code,))[0])

    sentence = (f"Map of {label} in {len(shown)} London boroughs, darker is higher: highest "
                f"{name(shown.idxmax())} {format_value(shown.max(), definition)}, lowest "
                f"{name(shown.idxmin())} {format_value(shown.min(), definition)}")
    missing = len(set(rows) | set(BOROUGH_TILES)) - len(shown)
    if missing:
        sentence += f"; {missing} without a figure (grey)"
    return sentence + "."
