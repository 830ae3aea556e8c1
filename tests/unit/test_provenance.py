"""indicators/provenance.py: licence and coverage from dataset.yaml, census rules."""
from types import SimpleNamespace

import pandas as pd

from indicators.provenance import (
    Provenance,
    coverage_notes,
    describe_census_rules,
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
