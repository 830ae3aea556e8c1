"""NHS Digital gp-reg-pat-prac-map.csv: each practice's PCN, CCG, STP and region (London rows only)."""
from collections.abc import Callable
from dataclasses import dataclass

from importers.dates import read_period
from importers.geography import LONDON_CCG_CODES, LONDON_REGION_CODES, STP_NAMES
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


def read_practice_mapping(source: SourceFile, ledger: RowLedger,
                          progress: Callable[[str, int], None] | None = None) -> list[MappedPractice]:
    """London practices in the mapping file; other rows are counted in the ledger with a reason."""
    practices: list[MappedPractice] = []
    seen: set[str] = set()
    unallocated = 0
    brands: set[str] = set()
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["practice_code"].upper()
        example = f"{code} {values.get('practice_name', '')}".strip()
        if not _is_london(values):
            ledger.drop("outside London", row, f"{example} ({values.get('region_name') or values['stp_code']})")
            continue
        if not code:
            ledger.drop("practice code is blank", row, example)
            continue
        if code in seen:
            ledger.drop("practice appears twice in this file (the first row was kept)", row, example)
            continue
        stp = values["stp_code"].upper()
        if stp not in STP_NAMES:
            ledger.drop("STP code is not one of the five London STPs (QMJ, QMF, QRV, QKK, QWE)", row,
                        f"{example} (STP {stp or 'blank'})")
            continue
        stp_name = values.get("stp_name", "")
        if stp_name and stp_name != STP_NAMES[stp]:
            brands.add(f"{stp} '{stp_name}' -> '{STP_NAMES[stp]}'")
        try:
            period = read_period(values.get("extract_date", ""))
        except ValueError:
            period = ""
        pcn_code = values["pcn_code"].upper()
        pcn_name = values.get("pcn_name", "")
        if pcn_code in UNALLOCATED_PCN_CODES or pcn_name.casefold() == "unallocated":
            unallocated += 1
            pcn_code, pcn_name = "", ""
        seen.add(code)
        practices.append(MappedPractice(row, code, values.get("practice_name", "") or code,
                                        values.get("practice_postcode", ""), pcn_code, pcn_name,
                                        values["ccg_code"].upper(), stp, period,
                                        values.get("stp_ons_code", "").upper(), stp_name))
        ledger.keep(OUTPUT)
    if unallocated:
        ledger.note(f"{unallocated} London practice{'s have' if unallocated != 1 else ' has'} PCN code 'U' "
                    "(unallocated): kept, shown as not in a network")
    if brands:
        ledger.note("STP names in the file are partnership brands (" + "; ".join(sorted(brands))
                    + "); the plain names are used, matched on the STP code")
    return practices


def _is_london(values: dict[str, str]) -> bool:
    region = values.get("region_code", "").upper()
    if region:
        return region in LONDON_REGION_CODES or values.get("region_name", "").casefold() == "london"
    return values["stp_code"].upper() in STP_NAMES or values["ccg_code"].upper() in LONDON_CCG_CODES

