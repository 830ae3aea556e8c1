"""Borough boundaries (GeoJSON, lon/lat) simplified for the browser, shared borders kept shared.

Douglas-Peucker runs on each stretch of border between junctions (points where three boroughs meet or
a shared border ends), so two neighbouring boroughs get exactly the same simplified border: no gaps and
no overlaps appear between them. A feature whose shape is not a valid polygon (crossing itself, no area,
coordinates that are not finite numbers) is left out with its reason; shapely (GEOS) checks the rings.
"""
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from importers.report import RowLedger
from importers.sources import ImportFileError, SourceFile
from indicators.geometry import Point, Ring, find_ring_problems, read_polygons, ring_area

OUTPUT = "place_boundaries.geojson"
DEFAULT_TOLERANCE_DEGREES = 0.0002  # about 14 m east-west and 22 m north-south in London
COORDINATE_DECIMALS = 5  # about 1 m
SIMPLIFY_ATTEMPTS = 12  # each with half the tolerance; then the borders are kept as read (rounded)
ENGLAND_LONGITUDES, ENGLAND_LATITUDES = (-7.0, 2.5), (49.5, 56.0)  # WGS84 degrees around England


@dataclass(frozen=True)
class Boundaries:
    features: tuple[dict, ...]  # GeoJSON features with properties GSS_CODE and NAME only
    feature_numbers: tuple[int, ...]  # position of each kept feature in the file, from 1
    points_read: int
    points_written: int
    tolerance: float


def read_boundaries(source: SourceFile, ledger: RowLedger, borough_names: dict[str, str], allowed: set[str], *,
                    tolerance: float = DEFAULT_TOLERANCE_DEGREES) -> Boundaries:
    """The boroughs of a boundary file that are in `allowed` (codes of `borough_names`), simplified; other
    features are counted with a reason."""
    kept: list[tuple[str, str, list[list[Ring]]]] = []
    numbers: list[int] = []
    seen: set[str] = set()
    ledger.add_output(OUTPUT)
    for number, feature in enumerate(source.document.get("features") or [], start=1):
        ledger.rows_read += 1
        properties = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        properties = properties if isinstance(properties, dict) else {}
        code = str(properties.get("GSS_CODE") or "").strip().upper()
        name = str(properties.get("NAME") or borough_names.get(code, code)).strip()
        example = f"{code or 'no GSS_CODE'} {name}".strip()
        if code not in borough_names:
            ledger.drop("GSS_CODE is not one of the region's boroughs (importers/reference/boroughs.csv)", number,
                        example)
            continue
        if code not in allowed:
            ledger.drop("borough outside the system imported", number, example)
            continue
        if code in seen:
            ledger.drop("borough appears twice (the first feature was kept)", number, example)
            continue
        try:
            polygons = read_polygons(feature.get("geometry"))
        except ValueError as error:
            ledger.drop(f"geometry cannot be used: {error}", number, example, error_field="geometry")
            continue
        seen.add(code)
        kept.append((code, name, polygons))
        numbers.append(number)
        ledger.keep(OUTPUT)
    if not kept:
        raise ImportFileError(f"{source.path}: no usable boundary of the region's boroughs (GSS_CODE) in this file.")
    _check_longitude_latitude(source, kept)
    missing = sorted(allowed - seen)
    if missing:
        ledger.note(f"{len(missing)} boroughs have no boundary, so the map leaves them out: "
                    + ", ".join(f"{borough_names[c]} ({c})" for c in missing))
    points_read = sum(len(ring) for _, _, polygons in kept for polygon in polygons for ring in polygon)
    for _ in range(SIMPLIFY_ATTEMPTS):
        simplified = simplify_polygons([polygons for _, _, polygons in kept], tolerance)
        if not any(find_ring_problems(ring) for polygons in simplified for polygon in polygons for ring in polygon):
            break
        tolerance /= 2  # rare: a border folded over itself; a finer tolerance keeps it valid
    else:
        simplified = [[[_round_ring(ring[:-1]) for ring in polygon] for polygon in polygons] for _, _, polygons in kept]
        tolerance = 0.0
        ledger.note("the borders could not be simplified without crossing themselves, so they are kept as read")
    features = tuple(
        {"type": "Feature", "properties": {"GSS_CODE": code, "NAME": name}, "geometry": _geometry(polygons)}
        for (code, name, _), polygons in zip(kept, simplified)
    )
    points_written = sum(len(ring) for polygons in simplified for polygon in polygons for ring in polygon)
    ledger.note(f"simplified for the browser: {points_read:,} points -> {points_written:,} "
                f"(Douglas-Peucker, tolerance {tolerance:g} degrees, shared borders kept shared; "
                f"coordinates rounded to {COORDINATE_DECIMALS} decimals)")
    return Boundaries(features, tuple(numbers), points_read, points_written, tolerance)


def build_geojson_text(boundaries: Boundaries) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(boundaries.features)},
                      separators=(",", ":"), ensure_ascii=False)


def simplify_polygons(features: list[list[list[Ring]]], tolerance: float) -> list[list[list[Ring]]]:
    """Each feature is a list of polygons, each a list of closed rings (outer first). Same shape returned."""
    rings = [ring[:-1] for polygons in features for polygon in polygons for ring in polygon]
    junctions = _find_junctions(rings)
    cache: dict[tuple[Point, ...], list[Point]] = {}
    result = []
    for polygons in features:
        new_polygons = []
        for polygon in polygons:
            new_rings = []
            for ring in polygon:
                new_ring = _simplify_ring(ring[:-1], junctions, tolerance, cache)
                if len(new_ring) < 4 or abs(ring_area(new_ring)) < 1e-12:
                    new_ring = _round_ring(ring[:-1])  # too small to simplify: keep every point
                new_rings.append(new_ring)
            new_polygons.append(new_rings)
        result.append(new_polygons)
    return result


def _check_longitude_latitude(source: SourceFile, kept: list) -> None:
    for _, _, polygons in kept:
        x, y = polygons[0][0][0]
        if not (ENGLAND_LONGITUDES[0] <= x <= ENGLAND_LONGITUDES[1] and ENGLAND_LATITUDES[0] <= y <= ENGLAND_LATITUDES[1]):
            raise ImportFileError(f"{source.path}: coordinates ({x:g}, {y:g}) are not longitude/latitude in "
                                  "England; convert the file to WGS84 (EPSG:4326) first, e.g. the London "
                                  "Datastore's British National Grid shapefile with ogr2ogr -t_srs EPSG:4326.")


def _geometry(polygons: list[list[Ring]]) -> dict:
    coordinates = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def _find_junctions(rings: Iterable[list[Point]]) -> set[Point]:
    """Points where a border stops being shared with the same neighbour (topojson's rule)."""
    neighbours: dict[Point, set[frozenset]] = {}
    for ring in rings:
        count = len(ring)
        for index, point in enumerate(ring):
            pair = frozenset((ring[index - 1], ring[(index + 1) % count]))
            neighbours.setdefault(point, set()).add(pair)
    return {point for point, pairs in neighbours.items() if len(pairs) > 1}


def _simplify_ring(ring: list[Point], junctions: set[Point], tolerance: float,
                   cache: dict[tuple[Point, ...], list[Point]]) -> Ring:
    anchors = [i for i, point in enumerate(ring) if point in junctions]
    if len(anchors) < 2:
        # no shared border (an island): anchor at two points any copy of this ring would pick alike
        start = ring.index(min(ring))
        far = max(range(len(ring)), key=lambda i: _distance_squared(ring[i], ring[start]))
        anchors = sorted({start, far} | set(anchors))
    result: list[Point] = []
    for position, anchor in enumerate(anchors):
        following = anchors[(position + 1) % len(anchors)]
        arc = ring[anchor:following + 1] if following > anchor else ring[anchor:] + ring[:following + 1]
        result.extend(_simplify_arc(arc, tolerance, cache)[:-1])
    return _round_ring(result)


def _simplify_arc(arc: list[Point], tolerance: float, cache: dict[tuple[Point, ...], list[Point]]) -> list[Point]:
    """The same arc walked in either direction simplifies to the same points."""
    forward = arc[0] < arc[-1] or (arc[0] == arc[-1] and arc[1] <= arc[-2])
    key = tuple(arc if forward else arc[::-1])
    if key not in cache:
        cache[key] = _douglas_peucker(list(key), tolerance)
    simplified = cache[key]
    return simplified if forward else simplified[::-1]


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, -1.0
        for index in range(first + 1, last):
            d = _segment_distance(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [p for p, k in zip(points, keep) if k]


def _segment_distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def _round_ring(points: list[Point]) -> Ring:
    rounded: Ring = []
    for x, y in points:
        point = (round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return rounded + rounded[:1]


def _distance_squared(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2
