"""NHS Digital "NHS Payments to General Practice": registered patients and Extended Hours Access per practice.

One row per practice, with its CCG of that year and its open and close dates but no STP. The file has no
date column, so the financial year comes from the file name (2018-19) or, failing that, from the latest
close date. A practice open for any part of the year counts for it; a net negative Extended Hours payment
(a recovery) counts its practice as not paid.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from importers.dates import read_date
from importers.numbers import read_number
from importers.regions import RegionScope
from importers.report import RowLedger
from importers.sources import ImportFileError, SourceFile, iter_rows

PATIENTS_OUTPUT = "registered_patients.csv"
EXTENDED_HOURS_OUTPUT = "extended_hours.csv"
NO_LIST = "no registered patients and no close date (a service without a list of patients, not a practice)"
NO_PATIENTS = "no registered patients (closed during the year, or a service without a list)"
FINANCIAL_YEAR = re.compile(r"(?<!\d)(20\d\d|\d\d)[-_ /](20\d\d|\d\d)(?!\d)")
EARLIEST_OPEN_YEAR = 1900  # practices opened as early as 1948
# The Extended Hours Access DES ran until 30 June 2019; from 1 July 2019 extended hours were part of the
# Network Contract DES, paid to Primary Care Networks, not to practices.
LAST_EXTENDED_HOURS_YEAR = 2019
EXTENDED_HOURS_ENDED = ("The Extended Hours Access scheme (DES) ended on 30 June 2019, when extended hours "
                        "became part of the Primary Care Network contract: 2019-20 payments cover April to June "
                        "2019 at most, so practices paid in 2019-20 cannot be compared with earlier years.")


@dataclass(frozen=True)
class PaidPractice:
    row: int
    practice_code: str
    practice_name: str
    postcode: str
    ccg_code: str  # its CCG in that financial year
    registered_patients: int | None  # None when dropped for registered_patients.csv
    extended_hours_payment: float | None  # net payment; None when dropped for extended_hours.csv (or no such column)
    ccg_name: str = ""
    opened: str = ""  # ISO date, '' when not given
    closed: str = ""


@dataclass(frozen=True)
class PaymentsFile:
    period: str  # first day of the financial year, e.g. '2018-04-01'
    year_label: str  # '2018-19'
    has_extended_hours: bool
    practices: tuple[PaidPractice, ...]
    caveat: str = ""  # said with the data (EXTENDED_HOURS_ENDED for 2019-20)

    @property
    def year_end(self) -> str:
        return f"{int(self.period[:4]) + 1}-03-31"


def read_payments(source: SourceFile, ledger: RowLedger, scope: RegionScope, *, financial_year: str | None = None,
                  progress: Callable[[str, int], None] | None = None) -> PaymentsFile:
    """The region's rows of a payments file. Raises ImportFileError when the financial year cannot be told."""
    start_year, how = _find_financial_year(source, financial_year)
    label = f"{start_year}-{(start_year + 1) % 100:02d}"
    ledger.note(f"financial year {label} ({how})")
    has_extended_hours, caveat = _extended_hours_column(source, start_year, label, ledger)
    ledger.add_output(PATIENTS_OUTPUT)
    if has_extended_hours:
        ledger.add_output(EXTENDED_HOURS_OUTPUT)
    year_start, year_end = date(start_year, 4, 1), date(start_year + 1, 3, 31)
    ccg_regions = scope.ccg_regions((v["practice_code"].upper(), v["ccg_code"].upper()) for _, v in iter_rows(source))
    practices: list[PaidPractice] = []
    seen: set[str] = set()
    rounded = recovered = 0
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["practice_code"].upper()
        ccg = values["ccg_code"].upper()
        name = values.get("practice_name", "")
        if not code:
            ledger.drop("practice code is blank", row, name, error_field="Practice Code")
            continue
        if not scope.practice_in(code, ccg, ccg_regions, values.get("region_code", ""), values.get("region_name", "")):
            region = values.get("region_name") or values.get("region_code") or "no region"
            ledger.drop(scope.outside, row, f"{code} ({region})")
            continue
        if code in seen:
            ledger.drop("practice appears twice in this file (the first row was kept)", row, code)
            continue
        seen.add(code)
        opened = _read_practice_date(values.get("open_date", ""), "Practice Open Date", row, code, ledger)
        closed = _read_practice_date(values.get("close_date", ""), "Practice Close Date", row, code, ledger)
        if closed and closed < year_start:
            ledger.drop("practice closed before the financial year began", row, f"{code} (closed {closed})")
            continue
        patients = _read_patients(values["registered_patients"], row, code, ledger)
        if patients is not None and patients != int(patients):
            rounded += 1
        payment = None
        if has_extended_hours:
            payment = _read_payment(values["extended_hours"], row, code, ledger)
            if payment is None:
                pass
            elif opened and opened > year_end:
                ledger.drop("practice opened after the financial year ended", row, f"{code} (opened {opened})",
                            EXTENDED_HOURS_OUTPUT)
                payment = None
            elif patients == 0 and not closed:
                ledger.drop(NO_LIST, row, code, EXTENDED_HOURS_OUTPUT)
                payment = None
            else:
                recovered += payment < 0
        if patients == 0:
            ledger.drop(NO_PATIENTS, row, code, PATIENTS_OUTPUT)
        practices.append(PaidPractice(row, code, name or code, values.get("practice_postcode", ""), ccg,
                                      round(patients) if patients else None, payment,
                                      " ".join(values.get("ccg_name", "").split()),
                                      opened.isoformat() if opened else "", closed.isoformat() if closed else ""))
    if rounded:
        ledger.note(f"{rounded} registered-patient figures are averages with decimals; rounded to whole patients")
    if recovered:
        ledger.note(f"{recovered} practice{'s have' if recovered != 1 else ' has'} a negative Extended Hours payment "
                    "(money recovered, more than was paid in the year): counted as not paid, and kept in the count "
                    "of practices")
    return PaymentsFile(f"{start_year}-04-01", label, has_extended_hours, tuple(practices), caveat)


def _extended_hours_column(source: SourceFile, start_year: int, label: str, ledger: RowLedger) -> tuple[bool, str]:
    """Whether the file's Extended Hours column is imported, and what must be said with it."""
    if "extended_hours" not in source.columns:
        ledger.note("no 'GP Extended Hours Access' column (paid through the PCN contract from July 2019), "
                    "so extended_hours.csv gets nothing from this file")
        return False, ""
    if start_year > LAST_EXTENDED_HOURS_YEAR:
        ledger.note(f"the 'GP Extended Hours Access' column of {label} is not imported: the scheme ended on 30 June "
                    "2019, so extended_hours.csv gets nothing from this file")
        return False, ""
    if start_year == LAST_EXTENDED_HOURS_YEAR:
        ledger.note(EXTENDED_HOURS_ENDED)
        return True, EXTENDED_HOURS_ENDED
    return True, ""


def _read_practice_date(text: str, column: str, row: int, code: str, ledger: RowLedger) -> date | None:
    if not text.strip():
        return None
    try:
        return read_date(text, earliest_year=EARLIEST_OPEN_YEAR)
    except ValueError as error:
        ledger.note_error(f"{column} is not a readable date ({error}); the practice is kept without it", row, column)
        return None


def _read_patients(text: str, row: int, code: str, ledger: RowLedger) -> float | None:
    """The figure, or None after counting the row as dropped for registered_patients.csv."""
    try:
        value = read_number(text)
    except ValueError as error:
        ledger.drop(f"registered patients is {error}", row, f"{code} ('{text}')", PATIENTS_OUTPUT,
                    error_field="Number of Registered Patients (Last Known Figure)")
        return None
    if value is None:
        ledger.drop("registered patients is blank", row, code, PATIENTS_OUTPUT)
    elif value < 0:
        ledger.drop("registered patients is negative", row, f"{code} ({text})", PATIENTS_OUTPUT,
                    error_field="Number of Registered Patients (Last Known Figure)")
        return None
    return value


def _read_payment(text: str, row: int, code: str, ledger: RowLedger) -> float | None:
    try:
        payment = read_number(text)
    except ValueError as error:
        ledger.drop(f"Extended Hours payment is {error}", row, f"{code} ('{text}')", EXTENDED_HOURS_OUTPUT,
                    error_field="GP Extended Hours Access")
        return None
    if payment is None:
        ledger.drop("Extended Hours payment is blank", row, code, EXTENDED_HOURS_OUTPUT)
    return payment


def _find_financial_year(source: SourceFile, given: str | None) -> tuple[int, str]:
    if given:
        year = _parse_year_label(given)
        if year is None:
            raise ImportFileError(f"{source.path}: the financial year '{given}' is not like 2018-19.")
        return year, "given with --payments-year"
    for match in FINANCIAL_YEAR.finditer(source.name):
        if (year := _parse_year_label(match.group(0))) is not None:
            return year, "from the file name"
    latest = _latest_close_date(source)
    if latest is not None:
        start = latest.year if latest.month >= 4 else latest.year - 1
        return start, f"from the latest practice close date in the file, {latest.isoformat()}"
    raise ImportFileError(f"{source.path}: cannot tell which financial year this payments file covers; "
                          "give it with --payments-year 2018-19.")


def _parse_year_label(text: str) -> int | None:
    match = FINANCIAL_YEAR.fullmatch(text.strip())
    if not match:
        return None
    first, second = match.group(1), int(match.group(2))
    start = int(first) if len(first) == 4 else 2000 + int(first)
    return start if (start + 1) % 100 == second % 100 else None


def _latest_close_date(source: SourceFile) -> date | None:
    if "close_date" not in source.columns:
        return None
    latest = None
    for _, values in iter_rows(source):
        try:
            closed = read_date(values["close_date"]) if values["close_date"] else None
        except ValueError:
            continue
        if closed and (latest is None or closed > latest):
            latest = closed
    return latest
