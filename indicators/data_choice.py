"""Which data folder the dashboard shows: the real figures by default, the illustrative demo one choice away."""
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from indicators.definitions import SAFE_LOADER

# (id, folder relative to the repository): the first folder that exists is the default.
DATA_FOLDERS = (("real", "data/real"), ("illustrative", "data"))
MANIFEST_FILE = "dataset.yaml"
NO_PUBLIC_FIGURE_POINTER = ("The forum asks about this in the room: see the Forum pages. To see how this view looks "
                            "with made-up figures, choose Illustrative data in the sidebar.")


@dataclass(frozen=True)
class DataChoice:
    """One data folder the user can choose: a stable id for the URL, the words shown, and where it is."""

    id: str
    label: str
    folder: Path


def describe_data_folder(choice_id: str, folder: Path) -> str:
    """The words for a folder in the sidebar choice, from its dataset.yaml (the region's name); never raises."""
    try:
        manifest = yaml.load((folder / MANIFEST_FILE).read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        manifest = {}
    region = ((manifest.get("areas") or {}).get("region") or {}).get("name") if isinstance(manifest, dict) else None
    region = f"{region} " if isinstance(region, str) and region.strip() else ""
    if choice_id == "real":
        return f"Real {region}data (NHS Digital, OHID)"
    return "Illustrative data"


def find_data_choices(root: Path) -> dict[str, DataChoice]:
    """The data folders that exist under `root` (a folder counts when it has a practices.csv), default first."""
    return {choice_id: DataChoice(choice_id, describe_data_folder(choice_id, root / folder), root / folder)
            for choice_id, folder in DATA_FOLDERS if (root / folder / "practices.csv").is_file()}


def add_no_public_figure_pointer(unavailable: dict[str, str]) -> dict[str, str]:
    """The reasons real data give for a missing figure, each followed by where to look instead (the forum's own
    answers, and the illustrative data)."""
    return {table: f"{reason.rstrip()} {NO_PUBLIC_FIGURE_POINTER}" for table, reason in unavailable.items()}


def with_pointers(data):
    """LoadedData whose unavailable reasons point to the forum and the illustrative data (real data only)."""
    if data.label != "real" or not data.unavailable:
        return data
    return replace(data, unavailable=add_no_public_figure_pointer(data.unavailable))


def first_indicator_with_figures(definitions, tables, unavailable: dict[str, str]) -> str | None:
    """The first indicator (config order) whose tables and columns were loaded: the one a dashboard opens on, so
    real data, which lack some tables, do not open on an empty view. None when no indicator has figures."""
    for definition in definitions:
        measures = (definition.numerator, definition.denominator)
        if all(m.table in tables and m.table not in unavailable
               and not any(f"{m.table}.{column}" in unavailable for column in m.columns) for m in measures):
            return definition.id
    return None
