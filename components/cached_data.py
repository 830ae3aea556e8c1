"""The only home of Streamlit caching: config, data and indicator values, keyed on file contents."""
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators.compute import IndicatorUnavailable, compute_indicator_values
from indicators.datasets import LoadedData, load_data
from indicators.definitions import AppConfig, load_config
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


@st.cache_data(show_spinner=False, max_entries=4)
def _load_config(path: str, digest: str) -> AppConfig:
    return load_config(path)


@st.cache_data(show_spinner="Loading and checking the data files…", max_entries=4)
def _load_data(path: str, folder: str, digest: str) -> LoadedData:
    return load_data(load_config(path), folder)


def get_config() -> AppConfig:
    """The validated config; raises ConfigError when the file as a whole is unusable."""
    return _load_config(str(config_path()), _inputs_digest())


def get_data() -> LoadedData:
    return _load_data(str(config_path()), str(data_dir()), _inputs_digest())


@st.cache_data(show_spinner=False, max_entries=64)
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


@st.cache_data(show_spinner=False, max_entries=256)
def _period_values(indicator_id: str, period: str, path: str, folder: str, digest: str) -> tuple[pd.DataFrame | None, str]:
    values, reason = _indicator_values(indicator_id, path, folder, digest)
    if values is None:
        return None, reason
    shown = latest_period_with_values(values, period)
    return values[values["period"] == shown].reset_index(drop=True), ""


def get_period_values(indicator_id: str, period: str) -> pd.DataFrame:
    """Every area's values of one indicator in `period`, or in the latest earlier period with figures
    (tables differ in dates); empty when there are none. Raises IndicatorUnavailable like get_indicator_values."""
    values, reason = _period_values(indicator_id, period, str(config_path()), str(data_dir()), _inputs_digest())
    if values is None:
        raise IndicatorUnavailable(reason)
    return values


@st.cache_data(show_spinner=False, max_entries=4)
def _boundaries(path: str, digest: str) -> dict | None:
    try:
        geojson = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return geojson if isinstance(geojson, dict) and geojson.get("features") else None


def get_boundaries() -> dict | None:
    """Borough boundaries from the file named in config.yaml, or None to draw tiles."""
    name = get_config().map_boundaries
    if not name:
        return None
    path = data_dir() / name
    return _boundaries(str(path), _file_digest(path)) if path.exists() else None


@st.cache_data(show_spinner=False, max_entries=16)
def _table(name: str, path: str, folder: str, digest: str) -> pd.DataFrame | None:
    return _load_data(path, folder, digest).tables.get(name)


def get_table(name: str) -> pd.DataFrame | None:
    """One validated input table (None when it was not loaded)."""
    return _table(name, str(config_path()), str(data_dir()), _inputs_digest())
