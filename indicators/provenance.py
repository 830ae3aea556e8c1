"""Where the figures come from, in words for the Data page: licence, coverage, how practices were placed in their
areas, and which tables are a census (no row means zero)."""
from dataclasses import dataclass

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
