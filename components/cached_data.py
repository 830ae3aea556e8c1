"""The only home of Streamlit caching: config, data, indicator values and figures, keyed on file contents.

st.cache_data copies (pickles) what it returns on every call, so the large, read-only objects shared by every
session (the config, the loaded data, each indicator's full values and the built figures) use st.cache_resource:
one object, never copied. Nothing may change them in place (pandas' copy-on-write keeps a filtered or assigned
frame separate). What a page gets to work on (narrowed values, tables) is still an st.cache_data copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from figures import maps
from indicators import peers
from indicators.areas import AreaModel
from indicators.compute import RESULT_COLUMNS, compute_indicator_values
from indicators.datasets import LoadedData, load_data
from indicators.definitions import AppConfig, load_config
from indicators.errors import IndicatorUnavailable
from indicators.formatting import format_period
from indicators.peers import PracticeComparison
from indicators.views import compute_display_table, compute_maturity_grid, latest_period_with_values

if TYPE_CHECKING:  # imported where used: SQLAlchemy and textstat add about a second to every cold start
    from forum.aggregation import PlenarySummary
    from forum.models import Event
    from forum.store import ForumStore
    from indicators.plain_language import SummarySection

ROOT = Path(__file__).resolve().parents[1]
AREA_LEVELS = ("borough", "stp", "region")
_digests: dict[tuple[str, int, int], str] = {}


def config_path() -> Path:
    return Path(os.environ.get("ATSCALE_CONFIG", ROOT / "config.yaml"))


def data_dir() -> Path:
    return Path(os.environ.get("ATSCALE_DATA_DIR", ROOT / "data"))


def _file_digest(path: Path) -> str:
    """SHA-1 of the file, recomputed only when its size or modification time changes."""
    try:
        return _stat_digest(str(path), os.stat(path))
    except OSError:
        return "absent"


def _stat_digest(path: str, stat: os.stat_result) -> str:
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _digests:
        with open(path, "rb") as file:
            _digests[key] = hashlib.sha1(file.read()).hexdigest()
    return _digests[key]


def _inputs_digest() -> str:
    """One digest of the config and every file in the data folder: an edited CSV is noticed.

    Every cached call asks, so it costs one directory listing and a stat per file (~0.05 ms), and reads a file
    only when it has changed.
    """
    folder, config = str(data_dir()), str(config_path())
    try:
        with os.scandir(folder) as listing:
            files = sorted(((entry.name, entry.path, entry.stat()) for entry in listing if entry.is_file()),
                           key=lambda file: file[0])
    except OSError:
        files = []
    parts = [f"{name}:{_stat_digest(path, stat)}" for name, path, stat in files]
    return hashlib.sha1("|".join([folder, config, _file_digest(Path(config)), *parts]).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_config(path: str, digest: str) -> AppConfig:
    return load_config(path)


@st.cache_resource(show_spinner="Loading and checking the data files…", max_entries=2)
def _load_data(path: str, folder: str, digest: str) -> LoadedData:
    return load_data(_load_config(path, digest), folder)  # the cached config: parsing the YAML again costs ~0.1 s


def get_config() -> AppConfig:
    """The validated config; raises ConfigError when the file as a whole is unusable."""
    return _load_config(str(config_path()), _inputs_digest())


def get_data() -> LoadedData:
    return _load_data(str(config_path()), str(data_dir()), _inputs_digest())


def get_areas() -> AreaModel:
    """The data's area model (indicators.areas): the region, what each level is called, every system and place.
    The only source of area names and counts for pages, slides, plain text, forum choices, charts and reports."""
    return get_data().areas


def _compact(values: pd.DataFrame) -> pd.DataFrame:
    """Text columns as categories: England-scale values of one indicator take 6 MB instead of 21 MB."""
    return values.astype({column: "category" for column in values.columns if values[column].dtype == "str"})


def _expanded(values: pd.DataFrame) -> pd.DataFrame:
    """The tidy values as compute_indicator_values returns them (text, not categories)."""
    return values.astype({column: str for column in values.columns
                          if isinstance(values[column].dtype, pd.CategoricalDtype)})


@st.cache_resource(show_spinner=False, max_entries=64)
def _indicator_values(indicator_id: str, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    """Every area's values of one indicator, compacted (_compact): read them through _expanded."""
    config = _load_config(path, digest)
    try:
        values = compute_indicator_values(config.indicator(indicator_id), _load_data(path, folder, digest))
    except IndicatorUnavailable as reason:
        return None, str(reason)
    return _compact(values), ""


@st.cache_resource(show_spinner=False, max_entries=64)
def _area_values(indicator_id: str, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    """Like _indicator_values for boroughs, STPs and the region only: a third of the work at England scale."""
    config = _load_config(path, digest)
    try:
        values = compute_indicator_values(config.indicator(indicator_id), _load_data(path, folder, digest),
                                          levels=AREA_LEVELS)
    except IndicatorUnavailable as reason:
        return None, str(reason)
    return _compact(values), ""


@st.cache_data(show_spinner=False, max_entries=512)
def _selected_values(indicator_id: str, levels: tuple[str, ...], period: str | None, stp_code: str | None,
                     borough_code: str | None, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    values_of = _area_values if set(levels) <= set(AREA_LEVELS) else _indicator_values
    values, reason = values_of(indicator_id, path, folder, digest)
    if values is None:
        return None, reason
    keep = values["level"].isin(levels)
    if period is not None:
        keep &= values["period"] == period
    if stp_code is not None:
        keep &= values["stp_code"].isin([stp_code, ""])
    if borough_code is not None:
        keep &= values["borough_code"].isin([borough_code, ""]) | (values["level"] == "stp")
    return _expanded(values.loc[keep].reset_index(drop=True)), ""


def get_indicator_values(indicator_id: str, *, levels: tuple[str, ...] = ("practice", "pcn", "borough", "stp", "region"),
                         period: str | None = None, stp_code: str | None = None,
                         borough_code: str | None = None) -> pd.DataFrame:
    """Tidy values of one indicator, narrowed to the levels and areas a page shows.

    stp_code / borough_code keep that area's rows plus the higher levels it is compared with.
    Raises IndicatorUnavailable (with the reason to show) when the data for it are missing.
    """
    values, reason = _selected_values(indicator_id, tuple(levels), period, stp_code, borough_code,
                                      str(config_path()), str(data_dir()), _inputs_digest())
    if values is None:
        raise IndicatorUnavailable(reason)
    return values


def _area_model_key(areas: AreaModel) -> str:
    return areas.fingerprint  # Streamlit's own hashing of every area would take ~8 ms a call at England scale


@st.cache_resource(show_spinner=False, max_entries=512, hash_funcs={AreaModel: _area_model_key})
def _view(build_name: str, indicator_ids: str | tuple[str, ...], levels: tuple[str, ...], stp_code: str | None,
          selection: tuple, path: str, folder: str, digest: str, _build) -> tuple[object, str]:
    config, values = _load_config(path, digest), {}
    for indicator_id in [indicator_ids] if isinstance(indicator_ids, str) else indicator_ids:
        values[indicator_id], reason = _selected_values(indicator_id, levels, None, stp_code, None, path, folder,
                                                        digest)
        if values[indicator_id] is None:
            return None, reason
    if isinstance(indicator_ids, str):
        return _build(values[indicator_ids], config.indicator(indicator_ids), **dict(selection)), ""
    return _build(values, [config.indicator(i) for i in indicator_ids], **dict(selection)), ""


def get_view(build, indicator_ids: str | tuple[str, ...], *, levels: tuple[str, ...], stp_code: str | None = None,
             **selection):
    """What a page shows for one selection (a figures.panels.ChartPanel, a headline; None when nothing to show),
    built from values as get_indicator_values(indicator_id, levels=levels, stp_code=stp_code) gives them: for one
    indicator build(values, definition, **selection), for several build({id: values}, [definitions],
    **selection). Built once per selection, looked up by the selection (no hashing of frames) and shared by
    every session: never change it. Raises IndicatorUnavailable (the first reason) when data are missing."""
    view, reason = _view(f"{build.__module__}.{build.__qualname__}", indicator_ids, tuple(levels), stp_code,
                         tuple(sorted(selection.items())), str(config_path()), str(data_dir()), _inputs_digest(),
                         build)
    if reason:
        raise IndicatorUnavailable(reason)
    return view


# cache_resource: at England scale this is ~150,000 rows, which an st.cache_data copy would unpickle on every
# rerun (~40 ms); pages only read it. Few entries: ~30 MB each at England scale.
@st.cache_resource(show_spinner="Working out the indicators…", max_entries=6)
def _period_values(period: str, indicator_ids: tuple[str, ...], path: str, folder: str,
                   digest: str) -> tuple[pd.DataFrame, dict[str, str]]:
    frames, reasons = [], {}
    for indicator_id in indicator_ids:
        values, reason = _indicator_values(indicator_id, path, folder, digest)
        if values is None:
            reasons[indicator_id] = reason
            continue
        frames.append(_expanded(values[values["period"] == latest_period_with_values(values, period)]))
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RESULT_COLUMNS))
    return values, reasons


def get_period_values(period: str, indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The tidy values of several indicators for every area, each in its latest period up to `period` with
    figures (tables differ in dates), and the reason each unavailable indicator has no values.
    Both are shared by every session: never change them in place."""
    return _period_values(period, tuple(indicator_ids), str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=256)
def _practice_choices(query: str, path: str, folder: str, digest: str) -> dict[str, str]:
    geography = _load_data(path, folder, digest).geography
    return peers.compute_practice_labels(peers.compute_practice_matches(geography, query))


def get_practice_choices(query: str) -> dict[str, str]:
    """Code -> label of the practices matching a search, best match first (every practice, by name, for an empty
    search): worked out once per search, not on every rerun (England has 6,500 practices)."""
    return _practice_choices(query, str(config_path()), str(data_dir()), _inputs_digest())


# cache_resource: a comparison holds about ten small frames, and unpickling them (an st.cache_data copy) took
# ~10 ms a rerun; pages only read it. Few entries: each practice viewed adds one.
@st.cache_resource(show_spinner=False, max_entries=64)
def _practice_comparison(code: str, period: str, path: str, folder: str, digest: str) -> PracticeComparison:
    config, data = _load_config(path, digest), _load_data(path, folder, digest)
    reasons = peers.compute_no_practice_reasons(config.indicators, config.tables, data.tables, data.unavailable,
                                                data.areas)
    ids = tuple(d.id for d in config.indicators if d.id not in reasons)
    values, unavailable = _period_values(period, ids, path, folder, digest)
    definitions = {d.id: d for d in config.indicators}
    practice = data.geography[data.geography["practice_code"] == code].iloc[0]
    levels = peers.compute_practice_levels(values, practice)
    sizes, size_period = peers.compute_list_sizes(data.tables.get("registered_patients"), period)
    size_when = format_period(size_period) if size_period else None
    groups = {group_id: peers.compute_peer_group(data.geography, code, group_id, data.areas, list_sizes=sizes,
                                                 list_size_period=size_when) for group_id in peers.PEER_GROUPS}
    return PracticeComparison(
        list_size=sizes.get(code), list_size_period=size_period, levels=levels,
        levels_table=peers.compute_practice_levels_table(levels, definitions, data.areas),
        missing=peers.compute_missing_practice_figures(values, config.indicators, {**reasons, **unavailable},
                                                       data.areas),
        groups=groups,
        ranks={group_id: peers.compute_peer_ranks(values, definitions, code, group.practice_codes)
               for group_id, group in groups.items() if not group.unavailable},
    )


def get_practice_comparison(code: str, period: str) -> PracticeComparison:
    """Everything the practice view shows about one practice in one period, worked out once (indicators.peers)
    and shared by every session: never change it."""
    return _practice_comparison(code, period, str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_resource(show_spinner=False, max_entries=4)
def _boundaries(path: str, digest: str) -> dict | None:
    try:
        geojson = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return geojson if isinstance(geojson, dict) and geojson.get("features") else None


def _boundaries_path() -> Path | None:
    name = get_config().map_boundaries
    path = data_dir() / name if name else None
    return path if path is not None and path.exists() else None


def get_boundaries() -> dict | None:
    """Borough boundaries from the file named in config.yaml, or None to draw tiles (shared: never change it)."""
    path = _boundaries_path()
    return _boundaries(str(path), _file_digest(path)) if path else None


@st.cache_resource(show_spinner=False, max_entries=64)
def _borough_map(key: str, boundaries_file: str, _borough_values: pd.DataFrame, _definition, _areas: AreaModel,
                 _tiles: dict, _boundaries: dict | None):
    return maps.build_borough_map(_borough_values, _definition, _areas, tile_layout=_tiles, boundaries=_boundaries)


def get_borough_map(borough_values: pd.DataFrame, definition):
    """maps.build_borough_map with the data's places, and the boundaries or tile layout named in config.yaml,
    built once per distinct values and shared by every session (never change it); keyed on the boundary
    file's digest, not its contents."""
    path = _boundaries_path()
    boundaries_file = f"{path}:{_file_digest(path)}" if path else ""
    data = get_data()
    areas, tiles = data.areas, data.map_tiles
    key = _content_key(maps.build_borough_map, (borough_values, definition, areas, tiles), {})
    if key is None:
        return maps.build_borough_map(borough_values, definition, areas, tile_layout=tiles,
                                      boundaries=get_boundaries())
    return _borough_map(key, boundaries_file, borough_values, definition, areas, tiles, get_boundaries())


@st.cache_data(show_spinner=False, max_entries=4)
def _first_practice_indicator(path: str, folder: str, digest: str) -> str | None:
    config = _load_config(path, digest)
    with_figures = None
    for definition in config.indicators:
        levels = ("practice",) if definition.lowest_level == "practice" else ("region",)
        values, _ = _selected_values(definition.id, levels, None, None, None, path, folder, digest)
        if values is None or not values["value"].notna().any():
            continue
        if definition.lowest_level == "practice":
            return definition.id
        with_figures = with_figures or definition.id
    return with_figures


def get_first_practice_indicator() -> str | None:
    """The first indicator (in config.yaml's order) with figures for single practices in these data, so the
    GP's pages open on practice figures and a funnel plot; when no indicator has any (the real data have none),
    the first with any figure at all; None when nothing has figures."""
    return _first_practice_indicator(str(config_path()), str(data_dir()), _inputs_digest())


def get_map_area_table(borough_values: pd.DataFrame, definition) -> pd.DataFrame:
    """maps.build_map_area_table for the map get_borough_map draws (tile labels only on the tile map)."""
    data = get_data()
    return get_computed(maps.build_map_area_table, borough_values, definition, data.areas,
                        tile_layout=data.map_tiles, with_labels=_boundaries_path() is None)


@st.cache_data(show_spinner=False, max_entries=256)
def _maturity_grid(stp_code: str, period: str, path: str, folder: str,
                   digest: str) -> tuple[pd.DataFrame, str | None] | None:
    data = _load_data(path, folder, digest)
    scores = data.tables.get("maturity")
    if scores is None:
        return None
    shown = max((p for p in scores["period"].unique() if p <= period), default=None)
    return compute_maturity_grid(scores, data.geography, stp_code=stp_code, period=shown or ""), shown


def get_maturity_grid(stp_code: str, period: str) -> tuple[pd.DataFrame, str | None] | None:
    """The system's PCN maturity scores (views.compute_maturity_grid) in the latest assessment up to `period`, and
    that assessment's period; None when no maturity table was loaded."""
    return _maturity_grid(stp_code, period, str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=128)
def _area_summary(area_level: str, area_code: str, period: str, illustrative: bool, path: str, folder: str,
                  digest: str) -> list[SummarySection]:
    from indicators.plain_language import compute_area_summary

    config, data = _load_config(path, digest), _load_data(path, folder, digest)
    values, unavailable = {}, dict(data.unavailable)
    for definition in config.indicators:
        selected, reason = _selected_values(definition.id, AREA_LEVELS, None, None, None,
                                            path, folder, digest)
        if selected is None:
            unavailable.setdefault(definition.id, reason)
        else:
            values[definition.id] = selected
    return compute_area_summary(values, config.indicators, config.domains, data.areas, area_code=area_code,
                                area_level=area_level, period=period, unavailable=unavailable,
                                illustrative=illustrative)


def get_area_summary(area_level: str, area_code: str, period: str, *, illustrative: bool = False) -> list[SummarySection]:
    """Plain-language sections about one STP or borough (indicators.plain_language.compute_area_summary)."""
    return _area_summary(area_level, area_code, period, illustrative, str(config_path()), str(data_dir()),
                         _inputs_digest())


def _canonical(value):
    """Frames and series as plain lists: equal contents pickle to equal bytes whatever their internal layout
    (a frame filtered from a cached copy and one filtered from the original can pickle differently)."""
    if isinstance(value, pd.DataFrame):
        # One conversion of the whole frame: a column at a time costs three times as long (~0.5 ms a chart).
        return ("frame", list(value.columns), [str(dtype) for dtype in value.dtypes], value.index.tolist(),
                value.to_numpy(dtype=object).tolist())
    if isinstance(value, pd.Series):
        return "series", value.name, str(value.dtype), value.index.tolist(), value.tolist()
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_canonical(item) for item in value]
    if isinstance(value, dict):
        return "dict", [(key, _canonical(item)) for key, item in value.items()]
    if isinstance(value, AreaModel):
        return "areas", value.fingerprint
    return value


def _content_key(function, args: tuple, kwargs: dict) -> str | None:
    """A digest of a call by content (None when an argument cannot be pickled).

    About a millisecond for the small frames a chart shows; Streamlit's own argument hashing hashes every
    text cell one by one and takes ten times longer.
    """
    try:
        payload = pickle.dumps(_canonical((args, sorted(kwargs.items()))), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return f"{function.__module__}.{function.__qualname__}:{hashlib.sha1(payload).hexdigest()}"


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(key: str, _build, _args: tuple, _kwargs: dict):
    return _build(*_args, **_kwargs)


def get_figure(build, *args, **kwargs):
    """build(*args, **kwargs) for a figure builder (charts.build_*), built once per distinct arguments (by
    content) and shared by every session: never change the returned figure.

    st.cache_resource, not st.cache_data: a pickled plotly figure re-validates every property when it is
    unpickled, which costs about as much as building it again.
    """
    key = _content_key(build, args, kwargs)
    return build(*args, **kwargs) if key is None else _figure(key, build, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=1024)
def _computed(key: str, _function, _args: tuple, _kwargs: dict):
    return _function(*_args, **_kwargs)


def get_computed(compute, *args, **kwargs):
    """compute(*args, **kwargs) for a pure function of what a page shows (a text alternative, a headline, a
    table), worked out once per distinct arguments (by content); the result is a copy the page may change."""
    key = _content_key(compute, args, kwargs)
    return compute(*args, **kwargs) if key is None else _computed(key, compute, args, kwargs)


def get_display_table(values: pd.DataFrame, definition) -> pd.DataFrame:
    """views.compute_display_table(values, definition, the data's areas), worked out once per distinct values (it
    formats the interval row by row)."""
    return get_computed(compute_display_table, values, definition, get_areas())


@st.cache_resource(show_spinner=False)
def _forum_store(url: str) -> ForumStore:
    # cache_resource, not cache_data: one engine and connection pool per database, shared by every session.
    from forum.store import open_forum_store

    return open_forum_store(url)


def get_forum_store() -> ForumStore:
    """The forum store named by ATSCALE_DATABASE_URL / ATSCALE_FORUM_DIR (raises ForumError if unreachable)."""
    from forum.store import read_database_url

    return _forum_store(read_database_url())


@st.cache_resource(show_spinner=False, max_entries=64)
def _plenary_summary(url: str, event_id: int, created_at: str, version: tuple[int, int]) -> PlenarySummary:
    return _forum_store(url).read_plenary_summary(event_id)


def get_plenary_summary(event: Event) -> PlenarySummary:
    """The event's plenary sums, worked out by the database once per new answer and shared by every session that
    shows the plenary (a refresh with nothing new costs one small query). Keyed on the event's creation time too,
    so an event number used again after a deletion never shows the old event's sums. Read-only: never change it."""
    from forum.store import read_database_url

    url = read_database_url()
    return _plenary_summary(url, event.id, event.created_at.isoformat(),
                            _forum_store(url).read_plenary_version(event.id))
