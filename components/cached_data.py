"""The only home of Streamlit caching: config, data, indicator values and figures, keyed on file contents.

st.cache_data copies (pickles) what it returns on every call, so the large, read-only objects shared by every
session (the config, the loaded data, each indicator's full values and the built figures) use st.cache_resource:
one object, never copied. Nothing may change them in place (pandas' copy-on-write keeps a filtered or assigned
frame separate). What a page gets to work on (narrowed values, tables) is still an st.cache_data copy.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from figures import maps
from indicators import fairness, peers, provenance
from indicators.areas import AreaModel
from indicators.compute import RESULT_COLUMNS, compute_indicator_values
from indicators.data_choice import DATA_FOLDERS, DataChoice, find_data_choices, find_forum_tables, with_pointers
from indicators.datasets import LoadedData, load_data, practices_open_in, read_boundaries_file, read_manifest
from indicators.definitions import AppConfig, load_config
from indicators.errors import IndicatorUnavailable
from indicators.fairness import FairnessView
from indicators.formatting import format_period
from indicators.peers import PracticeComparison
from indicators.provenance import Provenance
from indicators.views import (
    HeadlineChoice,
    choose_headline,
    compute_display_table,
    compute_maturity_grid,
    latest_period_with_values,
)

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


DATA_CHOICE_KEY = "data"  # the sidebar's data choice: its session-state key and URL parameter (?data=illustrative)


def pinned_data_dir() -> Path | None:
    """The folder ATSCALE_DATA_DIR pins (no data choice is offered then), or None."""
    pinned = os.environ.get("ATSCALE_DATA_DIR", "").strip()
    return Path(pinned) if pinned else None


@st.cache_data(show_spinner=False, max_entries=8)
def _data_choices(root: str, digests: tuple[str, ...]) -> dict[str, DataChoice]:
    return find_data_choices(Path(root))


def get_data_choices() -> dict[str, DataChoice]:
    """The data folders a user can choose between (data_choice.DATA_FOLDERS that exist), the default first."""
    manifests = tuple(_file_digest(ROOT / folder / "dataset.yaml") for _, folder in DATA_FOLDERS)
    return _data_choices(str(ROOT), manifests)


def chosen_data() -> str | None:
    """The id of the data folder this session shows (None when ATSCALE_DATA_DIR pins one)."""
    if pinned_data_dir() is not None:
        return None
    choices = get_data_choices()
    try:
        wanted = st.session_state.get(DATA_CHOICE_KEY)
    except Exception:  # noqa: BLE001 - outside a Streamlit session (scripts, benchmarks): the default folder
        wanted = None
    return wanted if wanted in choices else next(iter(choices), None)


def data_dir() -> Path:
    """The folder every figure on this screen comes from: ATSCALE_DATA_DIR when set, else the session's data
    choice (the real data by default). Every cache key below includes it, so real and illustrative figures are
    never mixed."""
    pinned = pinned_data_dir()
    if pinned is not None:
        return pinned
    choice = get_data_choices().get(chosen_data() or "")
    return choice.folder if choice else ROOT / "data"


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
    # Whether the data choice is offered changes the words of real data's reasons for a missing figure.
    offered = "pinned" if pinned_data_dir() is not None else "chosen"
    return hashlib.sha1("|".join([folder, config, offered, _file_digest(Path(config)), *parts]).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_config(path: str, digest: str) -> AppConfig:
    return load_config(path)


@st.cache_resource(show_spinner="Loading and checking the data files…", max_entries=2)
def _load_data(path: str, folder: str, digest: str) -> LoadedData:
    config = _load_config(path, digest)
    data = load_data(config, folder)  # the cached config: parsing the YAML again costs ~0.1 s
    return data if pinned_data_dir() is not None else with_pointers(data, find_forum_tables(config))


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


@st.cache_resource(show_spinner=False, max_entries=64)
def _headline_choice(domain_id: str, period: str | None, path: str, folder: str,
                     digest: str) -> HeadlineChoice | None:
    config = _load_config(path, digest)

    def area_values(indicator_id: str) -> pd.DataFrame:
        values, reason = _selected_values(indicator_id, AREA_LEVELS, None, None, None, path, folder, digest)
        if values is None:
            raise IndicatorUnavailable(reason)
        return values

    return choose_headline(config.indicators_in(domain_id), area_values, period=period)


def get_headline_choice(domain_id: str, period: str | None) -> HeadlineChoice | None:
    """The indicator a domain's headline tile shows (indicators.views.choose_headline: config.yaml's headline,
    unless it has no figure or is the same in every area) and the note saying why when it is another one."""
    return _headline_choice(domain_id, period, str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=256)
def _indicator_periods(indicator_id: str, path: str, folder: str, digest: str) -> tuple[str, ...]:
    values, _ = _area_values(indicator_id, path, folder, digest)
    if values is None:
        return ()
    return tuple(sorted(str(p) for p in values.loc[values["value"].notna(), "period"].unique()))


def get_indicator_periods(indicator_id: str) -> tuple[str, ...]:
    """The periods in which the indicator has a figure for some area, oldest first (() when it has none)."""
    return _indicator_periods(indicator_id, str(config_path()), str(data_dir()), _inputs_digest())


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


@st.cache_data(show_spinner="Working out the figures by deprivation…", max_entries=64)
def _fairness(indicator_id: str, period: str, path: str, folder: str, digest: str) -> FairnessView:
    config, data = _load_config(path, digest), _load_data(path, folder, digest)
    definition = config.indicator(indicator_id)
    if data.geography["deprivation_decile"].isna().all():
        return FairnessView(reason="These data give no deprivation decile for any practice, so the figures cannot "
                                   "be split by deprivation.")
    try:
        values = compute_indicator_values(fairness.unsuppressed(definition), data, levels=("practice",))
    except IndicatorUnavailable as reason:
        return FairnessView(reason=f"No figure for this indicator. {reason}")
    if values.empty:
        level = _table_level(data, definition)
        level = "Primary Care Networks" if level == "pcn" else data.areas.level(level).plural
        return FairnessView(reason=f"This indicator is counted for whole {level}, not for each practice, so it "
                                   "cannot be split by the deprivation of practices.")
    shown = latest_period_with_values(values, period)
    if shown is None:
        return FairnessView(reason="No practice has a figure for this indicator up to this period.")
    return FairnessView(
        table=fairness.compute_fairness(values, data.geography, definition, data.areas, period=shown),
        period=shown, without_decile=fairness.compute_practices_without_decile(values, data.geography, period=shown))


def _table_level(data: LoadedData, definition) -> str:
    """The level an indicator's coarsest table is keyed by (stp, pcn ...), for saying why it has no practices."""
    levels = {"pcn_code": "pcn", "borough_code": "borough", "stp_code": "stp"}
    for table in (definition.numerator.table, definition.denominator.table):
        frame = data.tables.get(table)
        for column, level in levels.items():
            if frame is not None and column in frame.columns:
                return level
    return "pcn"


def get_fairness(indicator_id: str, period: str) -> FairnessView:
    """The indicator by deprivation quintile for the region and each system (indicators.fairness), in its latest
    period up to `period` with practice figures; or the plain reason there is none."""
    return _fairness(indicator_id, period, str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=8)
def _provenance(folder: str, digest: str) -> Provenance:
    return provenance.read_provenance(read_manifest(Path(folder) / "dataset.yaml", []))


def get_provenance() -> Provenance:
    """The data's licence and coverage notes (dataset.yaml)."""
    return _provenance(str(data_dir()), _inputs_digest())


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
    # peers are the practices open in the period (and the practice itself, open or not)
    open_then = practices_open_in(data.geography, period)
    if code not in set(open_then["practice_code"]):
        open_then = pd.concat([open_then, data.geography[data.geography["practice_code"] == code]])
    groups = {group_id: peers.compute_peer_group(open_then, code, group_id, data.areas, list_sizes=sizes,
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
    """The features that can be drawn (load_data reports the others on the Data page)."""
    return read_boundaries_file(Path(path), [])


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

    def has_figures(definition, levels: tuple[str, ...]) -> bool:
        values, _ = _selected_values(definition.id, levels, None, None, None, path, folder, digest)
        return values is not None and bool(values["value"].notna().any())

    # Only tables keyed by practice can give practice figures: the others are not worked out at all here (a cold
    # start used to compute every indicator of the vision and collaboration domains to find that out).
    by_practice = [d for d in config.indicators if d.lowest_level == "practice" and all(
        config.tables[measure.table].key == "practice_code" for measure in (d.numerator, d.denominator)
        if measure.table in config.tables)]
    found = next((d.id for d in by_practice if has_figures(d, ("practice",))), None)
    return found or next((d.id for d in config.indicators if has_figures(d, ("region",))), None)


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


@st.cache_data(show_spinner=False, max_entries=256)
def _board_overview(area_code: str, level: str, path: str, folder: str, digest: str) -> pd.DataFrame:
    from indicators.board_overview import compute_board_overview

    config, values = _load_config(path, digest), {}
    for definition in config.indicators:
        selected, _ = _selected_values(definition.id, (level,), None, area_code if level == "stp" else None, None,
                                       path, folder, digest)
        if selected is not None:
            values[definition.id] = selected
    return compute_board_overview(values, config.indicators, area_code=area_code, level=level)


def get_board_overview(area_code: str, *, level: str = "stp") -> pd.DataFrame:
    """indicators.board_overview.compute_board_overview for one area and every indicator, worked out once per area
    (an indicator with no data gets its "No figure" row); a copy the page may change."""
    return _board_overview(area_code, level, str(config_path()), str(data_dir()), _inputs_digest())


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
