"""NHS Digital gp-reg-pat-prac-map.csv: each practice's PCN, CCG, STP and region (the chosen region's rows)."""
from collections.abc import Callable
from dataclasses import dataclass

from importers.dates import read_period
from importers.regions import RegionScope
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "practices.csv"
UNALLOCATED_PCN_CODES = frozenset({"", "U", "UNALLOCATED"})


@dataclass(frozen=True)
class MappedPractice:
    row: int
    practice_code: str
    practice_name: str
    postcode: str
    pcn_code: str  # '' when the practice is not in a network (code 'U')
    pcn_name: str
    ccg_code: str
    stp_code: str
    period: str  # the extract's month, '' when the file has no readable extract date
    stp_ons_code: str = ""  # ONS_STP_CODE (E54...), which other publications use for the STP
    stp_name: str = ""  # as written in the file (the partnership's brand)
    ccg_name: str = ""


def read_practice_mapping(source: SourceFile, ledger: RowLedger, scope: RegionScope,
                          progress: Callable[[str, int], None] | None = None) -> list[MappedPractice]:
    """The region's practices in the mapping file; other rows are counted in the ledger with a reason."""
    practices: list[MappedPractice] = []
    seen: set[str] = set()
    unallocated = 0
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["practice_code"].upper()
        example = f"{code} {values.get('practice_name', '')}".strip()
        if not code:
            ledger.drop("practice code is blank", row, example, error_field="PRACTICE_CODE")
            continue
        if code not in scope.practices:
            ledger.drop(scope.outside, row, f"{example} ({values.get('region_name') or values['stp_code']})")
            continue
        if code in seen:
            ledger.drop("practice appears twice in this file (the first row was kept)", row, example)
            continue
        stp = values["stp_code"].upper()
        if not stp:
            ledger.drop("STP code is blank", row, example, error_field="STP_CODE")
            continue
        try:
            period = read_period(values.get("extract_date", "")) if values.get("extract_date") else ""
        except ValueError as error:
            ledger.note_error(f"EXTRACT_DATE is not a readable date ({error}); the practice is kept", row,
                              "EXTRACT_DATE")
            period = ""
        pcn_code = values["pcn_code"].upper()
        pcn_name = " ".join(values.get("pcn_name", "").split())
        if pcn_code in UNALLOCATED_PCN_CODES or pcn_name.casefold() == "unallocated":
            unallocated += 1
            pcn_code, pcn_name = "", ""
        seen.add(code)
        practices.append(MappedPractice(row, code, values.get("practice_name", "") or code,
                                        values.get("practice_postcode", ""), pcn_code, pcn_name,
                                        values["ccg_code"].upper(), stp, period,
                                        values.get("stp_ons_code", "").upper(), " ".join(values.get("stp_name", "").split()),
                                        " ".join(values.get("ccg_name", "").split())))
        ledger.keep(OUTPUT)
    if unallocated:
        ledger.note(f"{unallocated} practice{'s have' if unallocated != 1 else ' has'} PCN code 'U' "
                    "(unallocated): kept, shown as not in a network")
    return practices
