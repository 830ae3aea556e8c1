"""NHS Digital gp-reg-pat-prac-all.csv: registered patients per practice (key CODE), the chosen region's rows."""
from collections.abc import Callable
from dataclasses import dataclass

from importers.dates import read_period
from importers.numbers import read_number
from importers.regions import RegionScope
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "registered_patients.csv"


@dataclass(frozen=True)
class PatientList:
    sizes: list["ListSize"]
    present: dict[str, set[str]]  # period -> the region's practices in the file, with a usable figure or not


@dataclass(frozen=True)
class ListSize:
    row: int
    practice_code: str
    period: str
    registered_patients: int
    ccg_code: str
    postcode: str


def read_patient_list(source: SourceFile, ledger: RowLedger, scope: RegionScope, known: set[str],
                      progress: Callable[[str, int], None] | None = None) -> PatientList:
    """Registered patients of the region's practices: those the mapping places there (or `known`, the region's
    practices in other files) or, for a practice no mapping lists, in one of the region's CCGs."""
    ccg_regions = scope.ccg_regions((v["code"].upper(), v.get("ccg_code", "").upper()) for _, v in iter_rows(source))
    sizes: list[ListSize] = []
    present: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    rounded = 0
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["code"].upper()
        ccg = values.get("ccg_code", "").upper()
        example = f"{code} ({values['number_of_patients'] or 'blank'} patients)"
        if code not in known and not scope.practice_in(code, ccg, ccg_regions):
            ledger.drop(scope.outside, row, f"{code} (CCG {ccg or 'blank'})")
            continue
        kind = values.get("type", "GP").upper() or "GP"
        if kind != "GP":
            ledger.drop("not a practice row (TYPE is not GP)", row, f"{code} (TYPE {kind})")
            continue
        if values.get("sex", "ALL").upper() not in ("ALL", "") or values.get("age", "ALL").upper() not in ("ALL", ""):
            ledger.drop("not an all-persons total (SEX or AGE is not ALL)", row, example)
            continue
        try:
            period = read_period(values["extract_date"])
        except ValueError as error:
            ledger.drop("EXTRACT_DATE is not a readable date", row, f"{code} ({error})", error_field="EXTRACT_DATE")
            continue
        present.setdefault(period, set()).add(code)
        try:
            patients = read_number(values["number_of_patients"])
        except ValueError as error:
            ledger.drop(f"NUMBER_OF_PATIENTS is {error}", row, example,
                        error_field="NUMBER_OF_PATIENTS")
            continue
        if patients is None:
            ledger.drop("NUMBER_OF_PATIENTS is blank or not published", row, example)
            continue
        if patients < 0:
            ledger.drop("NUMBER_OF_PATIENTS is negative", row, example, error_field="NUMBER_OF_PATIENTS")
            continue
        if patients != int(patients):
            rounded += 1
        if (code, period) in seen:
            ledger.drop("practice appears twice for the same date (the first row was kept)", row, example)
            continue
        seen.add((code, period))
        sizes.append(ListSize(row, code, period, round(patients), ccg, values.get("postcode", "")))
        ledger.keep(OUTPUT)
    if rounded:
        ledger.note(f"{rounded} patient numbers had decimals and were rounded to whole patients")
    return PatientList(sizes, present)

