"""NHS Digital Primary Care Network Workforce, individual-level CSV: one row per person and role.

Pooled 'NWRS contracted services' rows have NULL identifiers and are real staff time, so they are kept.
Role and staff-group names changed between publications; they are mapped to one name each so a trend
compares like with like.
"""
from collections.abc import Callable
from dataclasses import dataclass

from importers.geography import LONDON_REGION_CODES, STP_NAMES
from importers.numbers import read_number
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "pcn_workforce.csv"
STAFF_GROUPS = ("Directors", "Other Direct Patient Care staff", "Other Admin/Non-clinical staff")

# Later names (and spelling variants) -> the name used in the first publication, March 2020.
STAFF_GROUP_NAMES = {
    "directors": "Directors",
    "other direct patient care staff": "Other Direct Patient Care staff",
    "direct patient care": "Other Direct Patient Care staff",
    "other direct patient care": "Other Direct Patient Care staff",
    "direct patient care staff": "Other Direct Patient Care staff",
    "other admin/non-clinical staff": "Other Admin/Non-clinical staff",
    "admin/non-clinical": "Other Admin/Non-clinical staff",
    "admin/non-clinical staff": "Other Admin/Non-clinical staff",
    "other admin/non-clinical": "Other Admin/Non-clinical staff",
}
STAFF_ROLE_NAMES = {
    "medical clinical director (gp)": "Medical Clinical Director",
    "clinical director - medical": "Medical Clinical Director",
    "clinical director (direct patient care)": "Clinical Director",
    "clinical director (nurse)": "Clinical Director",
    "clinical director - dpc": "Clinical Director",
    "clinical director - nurse": "Clinical Director",
    "clinical pharmacists": "Pharmacists",
    "clinical pharmacist": "Pharmacists",
    "pharmacist": "Pharmacists",
    "social prescribing link worker": "Social Prescribing Link Workers",
    "social prescribers": "Social Prescribing Link Workers",
    "first contact physiotherapists": "Physiotherapists",
    "physiotherapist": "Physiotherapists",
    "physician associate": "Physician Associates",
    "pharmacy technician": "Pharmacy Technicians",
    "paramedic": "Paramedics",
    "care co-ordinators": "Care Coordinators",
    "care coordinator": "Care Coordinators",
    "health & wellbeing coaches": "Health and Wellbeing Coaches",
    "health and wellbeing coach": "Health and Wellbeing Coaches",
    "nursing associate": "Nursing Associates",
    "manager": "Managers",
}


@dataclass(frozen=True)
class PcnStaffRow:
    row: int
    pcn_code: str
    pcn_name: str
    period: str
    staff_group: str
    staff_role: str
    fte: float


def read_pcn_workforce(source: SourceFile, ledger: RowLedger,
                       progress: Callable[[str, int], None] | None = None) -> list[PcnStaffRow]:
    """London rows with a usable FTE; other rows are counted in the ledger with a reason."""
    staff: list[PcnStaffRow] = []
    renamed: dict[str, int] = {}
    pooled = 0
    unknown_groups: set[str] = set()
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        pcn = values["pcn_code"].upper()
        example = f"{pcn} {values['staff_role']} FTE {values['fte'] or 'blank'}"
        if not _is_london(values):
            ledger.drop("outside London", row, f"{pcn} ({values.get('region_name') or values.get('region_code')})")
            continue
        if not pcn:
            ledger.drop("PCN code is blank", row, example)
            continue
        try:
            year, month = int(values["census_year"]), int(values["census_month"])
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            ledger.drop("CENSUS_YEAR or CENSUS_MONTH is not a year and month", row,
                        f"{pcn} ({values['census_year']}, {values['census_month']})")
            continue
        try:
            fte = read_number(values["fte"])
        except ValueError:
            ledger.drop("FTE is not a number", row, example)
            continue
        if fte is None:
            ledger.drop("FTE is blank", row, example)
            continue
        if fte < 0:
            ledger.drop("FTE is negative", row, example)
            continue
        group = _normalise(values["staff_group"], STAFF_GROUP_NAMES, renamed)
        if group not in STAFF_GROUPS:
            unknown_groups.add(group)
        role = _normalise(values["staff_role"], STAFF_ROLE_NAMES, renamed)
        if values.get("unique_identifier", "").upper() in ("NULL", ""):
            pooled += 1
        staff.append(PcnStaffRow(row, pcn, values.get("pcn_name", ""), f"{year:04d}-{month:02d}-01", group, role, fte))
        ledger.keep(OUTPUT)
    if pooled:
        ledger.note(f"{pooled} London row{'s are' if pooled != 1 else ' is'} pooled 'contracted services' staff "
                    "with a NULL identifier; "
                    "their FTE is kept and counted in their PCN")
    for old, count in sorted(renamed.items()):
        ledger.note(f"renamed to the March 2020 name: {old} ({count} row{'s' if count != 1 else ''})")
    if unknown_groups:
        ledger.note("staff groups not among the three NHS Digital groups, kept as written: "
                    + ", ".join(sorted(unknown_groups)))
    return staff


def _normalise(name: str, names: dict[str, str], renamed: dict[str, int]) -> str:
    cleaned = " ".join(name.replace("\u2013", "-").replace("\u2014", "-").split())
    canonical = names.get(cleaned.casefold())
    if canonical is None:
        return next((n for n in names.values() if n.casefold() == cleaned.casefold()), cleaned)
    if canonical != cleaned:
        key = f"'{cleaned}' -> '{canonical}'"
        renamed[key] = renamed.get(key, 0) + 1
    return canonical


def _is_london(values: dict[str, str]) -> bool:
    region = values.get("region_code", "").upper()
    if region:
        return region in LONDON_REGION_CODES or values.get("region_name", "").casefold() == "london"
    return values.get("stp_code", "").upper() in STP_NAMES
