"""Which data folder the dashboard shows: the real figures by default, the illustrative demo one choice away."""
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from indicators.definitions import SAFE_LOADER

# (id, folder relative to the repository): the first folder that exists is the default.
DATA_FOLDERS = (("real", "data/real"), ("illustrative", "data"))
MANIFEST_FILE = "dataset.yaml"
FORUM_POINTER = "The forum asks about this in the room: see the Forum pages."
ILLUSTRATIVE_POINTER = "To see how this view looks with made-up figures, choose Illustrative data in the sidebar."
NO_PUBLIC_FIGURE_POINTER = f"{FORUM_POINTER} {ILLUSTRATIVE_POINTER}"  # for what the forum asks about


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


def find_forum_tables(config) -> set[str]:
    """The tables the forum asks the room about: the domains of the forum's own answers (config tables named
    forum_...) and the maturity self-assessment (a table with a maturity_domain column, when config.yaml names
    maturity_domains)."""
    forum = {name for name in config.tables if name.startswith("forum_")}
    domains = {d.domain for d in config.indicators if {d.numerator.table, d.denominator.table} & forum}
    tables = {t for d in config.indicators if d.domain in domains for t in (d.numerator.table, d.denominator.table)}
    if config.maturity_domains:
        tables |= {name for name, spec in config.tables.items() if "maturity_domain" in spec.column_types}
    return tables | forum


def add_no_public_figure_pointer(unavailable: dict[str, str], forum_tables: set[str]) -> dict[str, str]:
    """The reasons real data give for a missing figure, each followed by where to look instead: the forum's own
    answers (for what the forum asks about), and the illustrative data."""
    def pointer(table: str) -> str:
        return NO_PUBLIC_FIGURE_POINTER if table.split(".")[0] in forum_tables else ILLUSTRATIVE_POINTER

    return {table: f"{reason.rstrip()} {pointer(table)}" for table, reason in unavailable.items()}


def with_pointers(data, forum_tables: set[str]):
    """LoadedData whose unavailable reasons point to the forum and the illustrative data (real data only)."""
    if data.label != "real" or not data.unavailable:
        return data
    return replace(data, unavailable=add_no_public_figure_pointer(data.unavailable, forum_tables))
