"""NHS Digital "NHS Payments to General Practice": registered patients and Extended Hours Access per practice.

One row per practice, with its CCG but no STP; London is region Q71. The file has no date column, so
the financial year comes from the file name (2018-19) or, failing that, from the latest close date.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from importers.dates import read_date
from importers.geography import CCGS_2018, LONDON_REGION_CODES
from importers.numbers import read_number
from importers.report import RowLedger
from importers.sources import ImportFileError, SourceFile, iter_rows

PATIENTS_OUTPUT = "registered_patients.csv"
EXTENDED_HOURS_OUTPUT = "extended_hours.csv"
NO_PATIENTS = "no registered patients (a closed practice, or a service without a list)"
FINANCIAL_YEAR = re.compile(r"(?<!\d)(20\d\d|\d\d)[-_ /](20\d\d|\d\d)(?!\d)")


@dataclass(frozen=True)
class PaidPractice:
    row: int
    practice_code: str
    practice_name: str
    postcode: str
    ccg_code: str  # a London CCG of 2018-19
    registered_patients: int | None  # None when dropped for registered_patients.csv
    extended_hours_payment: float | None  # None when dropped for extended_hours.csv (or no such column)


@dataclass(frozen=True)
class PaymentsFile:
    period: str  # first day of the financial year, e.g. '2018-04-01'
    year_label: str  # '2018-19'
    has_extended_hours: bool
    practices: tuple[PaidPractice, ...]


def read_payments(source: SourceFile, ledger: RowLedger, *, financial_year: str | None = None,
                  progress: Callable[[str, int], None] | None = None) -> PaymentsFile:
    """London rows of a payments file. Raises ImportFileError when the financial year cannot be told."""
    start_year, how = _find_financial_year(source, financial_year)
    label = f"{start_year}-{(start_year + 1) % 100:02d}"
    ledger.note(f"financial year {label} ({how})")
    has_extended_hours = "extended_hours" in source.columns
    ledger.add_output(PATIENTS_OUTPUT)
    if has_extended_hours:
        ledger.add_output(EXTENDED_HOURS_OUTPUT)
    else:
        ledger.note("no 'GP Extended Hours Access' column (paid through the PCN contract from 2019-20), "
                    "so extended_hours.csv gets nothing from this file")
    practices: list[PaidPractice] = []
    seen: set[str] = set()
    rounded = 0
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["practice_code"].upper()
        ccg = values["ccg_code"].upper()
        name = values.get("practice_name", "")
        region = values.get("region_code", "").upper()
        if not (region in LONDON_REGION_CODES or "LONDON" in values.get("region_name", "").upper()
                or (not region and ccg in CCGS_2018)):
            ledger.drop("outside London", row, f"{code} ({values.get('region_name') or region or 'no region'})")
            continue
        if ccg not in CCGS_2018:
            ledger.drop("CCG code is not one of London's 32 CCGs of 2018", row, f"{code} (CCG {ccg or 'blank'})")
            continue
        if not code:
            ledger.drop("practice code is blank", row, name)
            continue
        if code in seen:
            ledger.drop("practice appears twice in this file (the first row was kept)", row, code)
            continue
        seen.add(code)
        patients = _read_number(values["registered_patients"], "registered patients", row, code, ledger,
                                PATIENTS_OUTPUT)
        if patients is not None and patients != int(patients):
            rounded += 1
        payment = None
        if has_extended_hours:
            payment = _read_payment(values["extended_hours"], row, code, ledger)
            closed = _closed_before(values.get("close_date", ""), start_year)
            if payment is not None and closed:
                ledger.drop("practice closed before the financial year began", row, f"{code} (closed {closed})",
                            EXTENDED_HOURS_OUTPUT)
                payment = None
            elif payment is not None and patients == 0:
                ledger.drop(NO_PATIENTS, row, code, EXTENDED_HOURS_OUTPUT)
                payment = None
        if patients == 0:
            ledger.drop(NO_PATIENTS, row, code, PATIENTS_OUTPUT)
        practices.append(PaidPractice(row, code, name or code, values.get("practice_postcode", ""), ccg,
                                      round(patients) if patients else None, payment))
    if rounded:
        ledger.note(f"{rounded} registered-patient figures are averages with decimals; rounded to whole patients")
    return PaymentsFile(f"{start_year}-04-01", label, has_extended_hours, tuple(practices))


def _read_number(text: str, what: str, row: int, code: str, ledger: RowLedger, output: str) -> float | None:
    """The figure, or None after counting the row as dropped for `output` (blank, text or negative)."""
    try:
        value = read_number(text)
    except ValueError:
        ledger.drop(f"{what} is not a number", row, f"{code} ('{text}')", output)
        return None
    if value is None:
        ledger.drop(f"{what} is blank", row, code, output)
    elif value < 0:
        ledger.drop(f"{what} is negative", row, f"{code} ({text})", output)
        return None
    return value


def _read_payment(text: str, row: int, code: str, ledger: RowLedger) -> float | None:
    try:
        payment = read_number(text)
    except ValueError:
        ledger.drop("Extended Hours payment is not a number", row, f"{code} ('{text}')", EXTENDED_HOURS_OUTPUT)
        return None
    if payment is None:
        ledger.drop("Extended Hours payment is blank", row, code, EXTENDED_HOURS_OUTPUT)
    elif payment < 0:
        ledger.drop("Extended Hours payment is negative (a recovery, not a payment for the year)", row,
                    f"{code} (£{payment:,.2f})", EXTENDED_HOURS_OUTPUT)
        return None
    return payment


def _closed_before(text: str, start_year: int) -> str:
    """The close date when the practice closed before the financial year began, else ''."""
    try:
        closed = read_date(text) if text else None
    except ValueError:
        return ""
    return closed.isoformat() if closed and closed < date(start_year, 4, 1) else ""


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
