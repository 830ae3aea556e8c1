"""Where the figures come from, in words for the Data page: licence, coverage, how practices were placed in their
areas, and which tables are a census (no row means zero)."""
from dataclasses import dataclass

import pandas as pd

NOT_RECORDED = "not recorded"
PLACEMENT_COLUMN = "placement_source"  # practices.csv: how the importer placed each practice (ccg, pcn, postcode ...)


@dataclass(frozen=True)
class Provenance:
    """What dataset.yaml says about the data as a whole, beyond label, title and sources."""

    licence: str = ""
    coverage: tuple[tuple[str, str], ...] = ()  # (table, sentence): tables that cover only part of the region


def read_provenance(manifest: dict) -> Provenance:
    """The licence and coverage notes of a dataset.yaml already read (indicators.datasets.read_manifest); a field
    of the wrong type is ignored (the rest of the manifest is checked by read_manifest)."""
    licence = manifest.get("licence")
    coverage = manifest.get("coverage")
    return Provenance(
        licence=licence.strip() if isinstance(licence, str) else "",
        coverage=tuple((str(table), str(text).strip()) for table, text in coverage.items()
                       if isinstance(text, str) and text.strip()) if isinstance(coverage, dict) else (),
    )


def coverage_notes(provenance: Provenance, tables: tuple[str, ...]) -> list[str]:
    """The coverage sentences for the tables an indicator uses (shown next to its figures)."""
    return [text for table, text in provenance.coverage if table in tables]


def compute_placement_counts(geography: pd.DataFrame, placement: pd.Series | None, *, place_title: str,
                             no_place: str) -> pd.DataFrame | None:
    """Practices per place and how many of them were placed by their postcode (a placement_source containing
    'postcode'), the place's other practices by another source (CCG, network). None when the data do not record
    how practices were placed. `placement`: practice_code -> placement_source; practices with no place are counted
    under `no_place`."""
    if placement is None or placement.replace("", pd.NA).dropna().empty:
        return None
    source = geography["practice_code"].map(placement).fillna("").astype(str).str.strip().str.lower()
    place = geography["borough_name"].where(geography["borough_code"].fillna("") != "", no_place)
    table = pd.DataFrame({"place": place, "postcode": source.str.contains("postcode"), "recorded": source != ""})
    counts = table.groupby("place", sort=True).agg(practices=("place", "size"), by_postcode=("postcode", "sum"),
                                                  recorded=("recorded", "sum")).reset_index()
    counts["other"] = counts["recorded"] - counts["by_postcode"]
    counts["not_recorded"] = counts["practices"] - counts["recorded"]
    counts = pd.concat([counts[counts["place"] != no_place], counts[counts["place"] == no_place]], ignore_index=True)
    return counts.rename(columns={
        "place": place_title, "by_postcode": "placed by postcode", "other": "placed otherwise (CCG or network)",
        "not_recorded": NOT_RECORDED,
    })[[place_title, "practices", "placed by postcode", "placed otherwise (CCG or network)", NOT_RECORDED]]


def describe_census_rules(tables: dict, indicators: tuple) -> list[str]:
    """One sentence per table config.yaml declares a census (no_row_means_zero: true), naming the indicators that use
    it; or one sentence saying that no table is, and what that means."""
    census = {name: spec for name, spec in tables.items() if getattr(spec, "no_row_means_zero", False)}
    if not census:
        return [("No table is declared a census in config.yaml (no_row_means_zero), so an area with no row in a "
                 "file has no figure: it is left out of both the top and the bottom of a rate.")]
    sentences = []
    for name, spec in census.items():
        using = [d.name for d in indicators if name in (d.numerator.table, d.denominator.table)]
        sentences.append(
            f"{spec.title}: a census, so an area with no row in a period the file covers counts as zero (for "
            f"example a network that employs no such staff), and its patients still count in the rate."
            + (f" Used by: {', '.join(using)}." if using else ""))
    return sentences


def read_placement_sources(path, geography: pd.DataFrame) -> pd.Series | None:
    """practice_code -> placement_source: from the loaded geography when it kept the column, else from practices.csv
    itself; None when neither has it (data made before the importer recorded it, or illustrative data)."""
    if PLACEMENT_COLUMN in geography.columns:
        return geography.set_index("practice_code")[PLACEMENT_COLUMN].fillna("").astype(str)
    try:
        header = pd.read_csv(path, nrows=0, dtype=str).columns.str.strip()
        if PLACEMENT_COLUMN not in header:
            return None
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    frame.columns = frame.columns.str.strip()
    frame = frame.drop_duplicates("practice_code")
    return frame.set_index(frame["practice_code"].str.strip())[PLACEMENT_COLUMN]
