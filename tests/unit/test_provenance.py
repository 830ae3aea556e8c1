"""indicators/provenance.py: licence and coverage from dataset.yaml, practices placed by postcode, census rules."""
from types import SimpleNamespace

import pandas as pd

from indicators.provenance import (
    NOT_RECORDED,
    Provenance,
    compute_placement_counts,
    coverage_notes,
    describe_census_rules,
    read_placement_sources,
    read_provenance,
)

GEOGRAPHY = pd.DataFrame({
    "practice_code": ["A", "B", "C", "D", "E"],
    "borough_code": ["B1", "B1", "B2", "B2", ""],
    "borough_name": ["Barnet", "Barnet", "Camden", "Camden", ""],
})


def test_licence_and_coverage_are_read_from_the_manifest_and_bad_types_ignored():
    notes = read_provenance({"licence": " OGL v3.0 ", "coverage": {"appointments": "4 of 5 STPs.", "x": 3}})
    assert notes == Provenance("OGL v3.0", (("appointments", "4 of 5 STPs."),))
    assert read_provenance({"licence": ["x"], "coverage": "y"}) == Provenance()
    assert coverage_notes(notes, ("appointments",)) == ["4 of 5 STPs."]
    assert coverage_notes(notes, ("registered_patients",)) == []


def test_practices_placed_by_postcode_are_counted_per_place():
    sources = pd.Series({"A": "postcode", "B": "ccg", "C": "postcode district", "D": "", "E": "none"})
    counts = compute_placement_counts(GEOGRAPHY, sources, place_title="Borough", no_place="(no borough)")
    assert counts.to_dict("records") == [
        {"Borough": "Barnet", "practices": 2, "placed by postcode": 1, "placed otherwise (CCG or network)": 1,
         NOT_RECORDED: 0},
        {"Borough": "Camden", "practices": 2, "placed by postcode": 1, "placed otherwise (CCG or network)": 0,
         NOT_RECORDED: 1},
        {"Borough": "(no borough)", "practices": 1, "placed by postcode": 0, "placed otherwise (CCG or network)": 1,
         NOT_RECORDED: 0},
    ]


def test_no_placement_column_means_not_recorded(tmp_path):
    assert compute_placement_counts(GEOGRAPHY, None, place_title="Borough", no_place="-") is None
    (tmp_path / "practices.csv").write_text("practice_code,borough_code\nA,B1\n")
    assert read_placement_sources(tmp_path / "practices.csv", GEOGRAPHY) is None
    (tmp_path / "practices.csv").write_text("practice_code, placement_source\nA,postcode\nB,ccg\n")
    assert read_placement_sources(tmp_path / "practices.csv", GEOGRAPHY).to_dict() == {"A": "postcode", "B": "ccg"}


def test_census_tables_say_a_missing_row_counts_as_zero():
    staff = SimpleNamespace(title="PCN staff", no_row_means_zero=True)
    patients = SimpleNamespace(title="Patients")  # a config without the setting: not a census
    uses = SimpleNamespace(name="PCN staff per 1,000", numerator=SimpleNamespace(table="staff"),
                           denominator=SimpleNamespace(table="patients"))
    sentences = describe_census_rules({"staff": staff, "patients": patients}, (uses,))
    assert sentences == [("PCN staff: a census, so an area with no row in a period the file covers counts as zero (for "
                         "example a network that employs no such staff), and its patients still count in the rate. "
                         "Used by: PCN staff per 1,000.")]
    assert describe_census_rules({"patients": patients}, (uses,))[0].startswith("No table is declared a census")
