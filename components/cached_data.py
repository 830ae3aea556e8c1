"""The only home of Streamlit caching: config, data, indicator values and figures, keyed on file contents.

st.cache_data copies (pickles) what it returns on every call, so the large, read-only objects shared by every
session (the config, the loaded data, each indicator's full values and the built figures) use st.cache_resource:
one object, never copied. Nothing may change them in place (pandas' copy-on-write keeps a filtered or assigned
frame separate). What a page gets to work on (narrowed values, tables) is still an st.cache_data copy.
"""
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components import maps
from forum.store import ForumStore, open_forum_store, read_database_url
from indicators.compute import RESULT_COLUMNS, IndicatorUnavailable, compute_indicator_values
from indicators.datasets import LoadedData, load_data
from indicators.definitions import AppConfig, load_config
from indicators.plain_language import SummarySection, compute_area_summary
from indicators.views import latest_period_with_values

ROOT = Path(__file__).resolve().parents[1]
_digests: dict[tuple[str, int, int], str] = {}


def config_path() -> Path:
    return Path(os.environ.get("ATSCALE_CONFIG", ROOT / "config.yaml"))


def data_dir() -> Path:
    return Path(os.environ.get("ATSCALE_DATA_DIR", ROOT / "data"))


def _file_digest(path: Path) -> str:
    """SHA-1 of the file, recomputed only when its size or modification time changes."""
    try:
        stat = path.stat()
    except OSError:
        return "absent"
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _digests:
        _digests[key] = hashlib.sha1(path.read_bytes()).hexdigest()
    return _digests[key]


def _inputs_digest() -> str:
    """One digest of the config and every file in the data folder: an edited CSV is noticed."""
    folder = data_dir()
    files = [config_path(), *sorted(p for p in folder.glob("*") if p.is_file())] if folder.is_dir() else [config_path()]
    parts = [f"{p.name}:{_file_digest(p)}" for p in files]
    return hashlib.sha1("|".join([str(folder), str(config_path()), *parts]).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_config(path: str, digest: str) -> AppConfig:
    return load_config(path)


@st.cache_resource(show_spinner="Loading and checking the data files…", max_entries=2)
def _load_data(path: str, folder: str, digest: str) -> LoadedData:
    return load_data(load_config(path), folder)


def get_config() -> AppConfig:
    """The validated config; raises ConfigError when the file as a whole is unusable."""
    return _load_config(str(config_path()), _inputs_digest())


def get_data() -> LoadedData:
    return _load_data(str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_resource(show_spinner=False, max_entries=64)
def _indicator_values(indicator_id: str, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    config = _load_config(path, digest)
    try:
        return compute_indicator_values(config.indicator(indicator_id), _load_data(path, folder, digest)), ""
    except IndicatorUnavailable as reason:
        return None, str(reason)


@st.cache_data(show_spinner=False, max_entries=512)
def _selected_values(indicator_id: str, levels: tuple[str, ...], period: str | None, stp_code: str | None,
                     borough_code: str | None, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    values, reason = _indicator_values(indicator_id, path, folder, digest)
    if values is None:
        return None, reason
    keep = values["level"].isin(levels)
    if period is not None:
        keep &= values["period"] == period
    if stp_code is not None:
        keep &= values["stp_code"].isin([stp_code, ""])
    if borough_code is not None:
        keep &= values["borough_code"].isin([borough_code, ""]) | (values["level"] == "stp")
    return values.loc[keep].reset_index(drop=True), ""


def get_indicator_values(indicator_id: str, *, levels: tuple[str, ...] = ("practice", "pcn", "borough", "stp", "london"),
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


@st.cache_data(show_spinner="Working out the indicators…", max_entries=32)
def _period_values(period: str, indicator_ids: tuple[str, ...], path: str, folder: str,
                   digest: str) -> tuple[pd.DataFrame, dict[str, str]]:
    frames, reasons = [], {}
    for indicator_id in indicator_ids:
        values, reason = _indicator_values(indicator_id, path, folder, digest)
        if values is None:
            reasons[indicator_id] = reason
            continue
        frames.append(values[values["period"] == latest_period_with_values(values, period)])
    values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RESULT_COLUMNS))
    return values, reasons


def get_period_values(period: str, indicator_ids: tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The tidy values of several indicators for every area, each in its latest period up to `period` with
    figures (tables differ in dates), and the reason each unavailable indicator has no values."""
    return _period_values(period, tuple(indicator_ids), str(config_path()), str(data_dir()), _inputs_digest())


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
def _borough_map(borough_values: pd.DataFrame, definition, boundaries_file: str, _boundaries: dict | None):
    return maps.build_borough_map(borough_values, definition, boundaries=_boundaries)


def get_borough_map(borough_values: pd.DataFrame, definition):
    """maps.build_borough_map with the boundaries named in config.yaml, built once per distinct values and
    shared by every session (never change it); keyed on the boundary file's digest, not its contents."""
    path = _boundaries_path()
    boundaries_file = f"{path}:{_file_digest(path)}" if path else ""
    return _borough_map(borough_values, definition, boundaries_file, get_boundaries())


@st.cache_data(show_spinner=False, max_entries=16)
def _table(name: str, path: str, folder: str, digest: str) -> pd.DataFrame | None:
    return _load_data(path, folder, digest).tables.get(name)


def get_table(name: str) -> pd.DataFrame | None:
    """One validated input table (None when it was not loaded)."""
    return _table(name, str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=128)
def _area_summary(area_level: str, area_code: str, period: str, illustrative: bool, path: str, folder: str,
                  digest: str) -> list[SummarySection]:
    config, data = _load_config(path, digest), _load_data(path, folder, digest)
    values, unavailable = {}, dict(data.unavailable)
    for definition in config.indicators:
        selected, reason = _selected_values(definition.id, ("borough", "stp", "london"), None, None, None,
                                            path, folder, digest)
        if selected is None:
            unavailable.setdefault(definition.id, reason)
        else:
            values[definition.id] = selected
    return compute_area_summary(values, config.indicators, config.domains, area_code=area_code,
                                area_level=area_level, period=period, unavailable=unavailable,
                                illustrative=illustrative)


def get_area_summary(area_level: str, area_code: str, period: str, *, illustrative: bool = False) -> list[SummarySection]:
    """Plain-language sections about one STP or borough (indicators.plain_language.compute_area_summary)."""
    return _area_summary(area_level, area_code, period, illustrative, str(config_path()), str(data_dir()),
                         _inputs_digest())


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(name: str, _build, args: tuple, kwargs: dict):
    return _build(*args, **kwargs)


def get_figure(build, *args, **kwargs):
    """build(*args, **kwargs) for a figure builder (charts.build_*, maps.build_*), built once per distinct
    arguments (frames are hashed by content) and shared by every session: never change the returned figure.

    st.cache_resource, not st.cache_data: a pickled plotly figure re-validates every property when it is
    unpickled, which costs about as much as building it again.
    """
    return _figure(f"{build.__module__}.{build.__qualname__}", build, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=1024)
def _text(name: str, _describe, args: tuple, kwargs: dict) -> str:
    return _describe(*args, **kwargs)


def get_text(describe, *args, **kwargs) -> str:
    """describe(*args, **kwargs) for a text alternative (charts.describe_*, maps.describe_*), worked out once per
    distinct arguments."""
    return _text(f"{describe.__module__}.{describe.__qualname__}", describe, args, kwargs)


@st.cache_resource(show_spinner=False)
def _forum_store(url: str) -> ForumStore:
    # cache_resource, not cache_data: one engine and connection pool per database, shared by every session.
    return open_forum_store(url)


def get_forum_store() -> ForumStore:
    """The forum store named by ATSCALE_DATABASE_URL / ATSCALE_FORUM_DIR (raises ForumError if unreachable)."""
    return _forum_store(read_database_url())
