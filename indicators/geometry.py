"""Polygons as GeoJSON gives them, checked: the importer and the app's loader leave out any they cannot draw.

A ring must have four or more positions, finite coordinates, an area, and must not cross (or touch) itself;
shapely (GEOS) tells a crossing ring, in O(n log n) even for rings of many thousand points.
"""
import itertools
import math

Point = tuple[float, float]
Ring = list[Point]


def find_ring_problems(ring: Ring) -> list[str]:
    """Why a closed ring is not a valid GeoJSON ring: too few points, not closed, coordinates that are not
    finite, no area, or crossing (or touching) itself."""
    import shapely  # ~50 ms: only when a boundary file is read

    problems = []
    if len(ring) < 4:
        problems.append("fewer than 4 positions")
    if not all(math.isfinite(v) for point in ring for v in point):
        return [*problems, "coordinates that are not finite numbers"]
    if ring[0] != ring[-1]:
        problems.append("not closed")
    if problems:
        return problems
    if abs(ring_area(ring)) < 1e-12:
        problems.append("no area")
    elif not shapely.LinearRing(ring).is_simple:
        problems.append("crosses itself")
    return problems


def read_polygons(geometry: object) -> list[list[Ring]]:
    """The polygons' rings, each closed; ValueError saying why the geometry cannot be drawn."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("not a Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise ValueError("no coordinates")
    result = []
    for polygon_number, polygon in enumerate(polygons, start=1):
        rings = []
        for ring_number, ring in enumerate(polygon, start=1):
            try:
                points = [(float(p[0]), float(p[1])) for p in ring]
            except (TypeError, IndexError, ValueError):
                raise ValueError("coordinates are not lists of [longitude, latitude]") from None
            if points and points[0] != points[-1]:
                points.append(points[0])
            problems = find_ring_problems(points)
            if problems:
                where = f"ring {ring_number}" + (f" of polygon {polygon_number}" if len(polygons) > 1 else "")
                raise ValueError(f"{where}: {', '.join(problems)}")
            rings.append(points)
        result.append(rings)
    return result


def ring_area(ring: Ring) -> float:
    """Signed area (shoelace), in squared degrees."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2
