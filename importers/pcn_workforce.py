"""NHS Digital Primary Care Network Workforce, individual-level CSV: one row per person and role.

Pooled 'NWRS contracted services' rows have NULL identifiers and are real staff time, so they are kept.
Role and staff-group names differ between publications and within one ('Clinical Director - DPC',
'Clinical Director (DPC)'): every spelling of a role is mapped to the role's name in the first
publication, March 2020 (STAFF_ROLE), by one table, so a trend compares like with like.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from importers.numbers import read_number
from importers.regions import RegionScope
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "pcn_workforce.csv"
EARLIEST_CENSUS_YEAR, LATEST_CENSUS_YEAR = 2019, 2100  # the series starts in 2020; PCNs were formed in July 2019

# The March 2020 name of each staff group and role, with every other spelling seen for it: later
# publications' STAFF_ROLE names and the March 2020 DETAILED_STAFF_ROLE names of the same role.
# Matching ignores case, punctuation, dashes, brackets, '&' versus 'and', and plural 's'.
STAFF_GROUP_SPELLINGS = {
    "Directors": ("Director",),
    "Other Direct Patient Care staff": ("Direct Patient Care", "Direct Patient Care staff", "Other Direct Patient Care"),
    "Other Admin/Non-clinical staff": ("Admin/Non-clinical", "Admin/Non-clinical staff", "Other Admin/Non-clinical"),
}
STAFF_GROUPS = tuple(STAFF_GROUP_SPELLINGS)
STAFF_ROLE_SPELLINGS = {
    "Medical Clinical Director": ("Clinical Director - Medical", "Clinical Director (Medical)", "Clinical Director (GP)",
                                  "Medical Clinical Director (GP)", "Clinical Director - GP"),
    "Clinical Director": ("Clinical Director - DPC", "Clinical Director (DPC)", "Clinical Director (Direct Patient Care)",
                          "Clinical Director - Direct Patient Care", "Clinical Director - Nurse",
                          "Clinical Director (Nurse)"),
    "Non-clinical Director": ("Finance Director", "Other Director", "Non-clinical Directors"),
    "Managers": ("Manager", "Senior Manager"),
    "Other Admin/Non-clinical": ("Other Admin/Non-clinical staff", "Other Admin and Non-clinical"),
    "Pharmacists": ("Clinical Pharmacist", "Clinical Pharmacists", "Pharmacist"),
    "Pharmacy Technicians": ("Pharmacy Technician",),
    "Social Prescribing Link Workers": ("Social Prescribing Link Worker", "Social Prescriber", "Social Prescribers"),
    "Physiotherapists": ("Physiotherapist", "First Contact Physiotherapist", "First Contact Physiotherapists"),
    "Physician Associates": ("Physician Associate",),
    "Paramedics": ("Paramedic",),
    "Therapists": ("Therapist", "Therapist - Occupational Therapist", "Occupational Therapist",
                   "Occupational Therapists"),
    "Care Coordinators": ("Care Coordinator", "Care Co-ordinator", "Care Co-ordinators"),
    "Health and Wellbeing Coaches": ("Health and Wellbeing Coach", "Health & Wellbeing Coach",
                                     "Health & Wellbeing Coaches"),
    "Nursing Associates": ("Nursing Associate",),
}


def spelling_key(name: str) -> str:
    """What two spellings of one name share: 'Clinical Director – DPC' and 'clinical director (DPC)' ->
    'clinical director dpc'; 'Pharmacists' and 'Pharmacist' -> 'pharmacist'."""
    words = name.casefold().replace("&", " and ").replace("-", " ").replace("\u2013", " ").replace("\u2014", " ")
    words = re.sub(r"(?<=\w)\s+(?=ordinat)", "", words)  # 'co ordinator' -> 'coordinator'
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
                    for word in re.sub(r"[^a-z0-9]+", " ", words).split())


def _build_lookup(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name, others in spellings.items():
        for spelling in (name, *others):
            key = spelling_key(spelling)
            if lookup.setdefault(key, name) != name:
                raise ValueError(f"'{spelling}' is given for both '{lookup[key]}' and '{name}'")
    return lookup


STAFF_GROUP_NAMES = _build_lookup(STAFF_GROUP_SPELLINGS)
STAFF_ROLE_NAMES = _build_lookup(STAFF_ROLE_SPELLINGS)


def name_staff_group(name: str) -> str:
    """The March 2020 name of a staff group, or the name as written (spaces tidied) when it is not known."""
    return STAFF_GROUP_NAMES.get(spelling_key(name), " ".join(name.split()))


def name_staff_role(name: str) -> str:
    """The March 2020 name of a staff role, or the name as written (spaces tidied) when it is not known."""
    return STAFF_ROLE_NAMES.get(spelling_key(name), " ".join(name.split()))


@dataclass(frozen=True)
class PcnStaffRow:
    row: int
    pcn_code: str
    pcn_name: str
    period: str
    staff_group: str
    staff_role: str
    fte: float


def read_pcn_workforce(source: SourceFile, ledger: RowLedger, scope: RegionScope,
                       progress: Callable[[str, int], None] | None = None) -> list[PcnStaffRow]:
    """The region's rows with a usable FTE; other rows are counted in the ledger with a reason."""
    staff: list[PcnStaffRow] = []
    renamed: dict[str, int] = {}
    pooled = 0
    unknown_groups: set[str] = set()
    unknown_roles: set[str] = set()
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        pcn = values["pcn_code"].upper()
        example = f"{pcn} {values['staff_role']} FTE {values['fte'] or 'blank'}"
        if not pcn:
            ledger.drop("PCN code is blank", row, example, error_field="PCN_CODE")
            continue
        if not scope.pcn_in(pcn, values):
            ledger.drop(scope.outside, row, f"{pcn} ({values.get('region_name') or values.get('region_code')})")
            continue
        try:
            year, month = int(values["census_year"]), int(values["census_month"])
            if not (EARLIEST_CENSUS_YEAR <= year <= LATEST_CENSUS_YEAR and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            ledger.drop(f"CENSUS_YEAR or CENSUS_MONTH is not a year ({EARLIEST_CENSUS_YEAR} to {LATEST_CENSUS_YEAR}) "
                        "and month", row, f"{pcn} ({values['census_year']}, {values['census_month']})",
                        error_field="CENSUS_YEAR")
            continue
        try:
            fte = read_number(values["fte"])
        except ValueError as error:
            ledger.drop(f"FTE is {error}", row, example, error_field="FTE")
            continue
        if fte is None:
            ledger.drop("FTE is blank", row, example)
            continue
        if fte < 0:
            ledger.drop("FTE is negative", row, example, error_field="FTE")
            continue
        group = _rename(values["staff_group"], name_staff_group, renamed)
        if group not in STAFF_GROUPS:
            unknown_groups.add(group)
        role = _rename(values["staff_role"], name_staff_role, renamed)
        if role not in STAFF_ROLE_SPELLINGS:
            unknown_roles.add(role)
        if values.get("unique_identifier", "").upper() in ("NULL", ""):
            pooled += 1
        staff.append(PcnStaffRow(row, pcn, values.get("pcn_name", ""), f"{year:04d}-{month:02d}-01", group, role, fte))
        ledger.keep(OUTPUT)
    if pooled:
        ledger.note(f"{pooled} row{'s are' if pooled != 1 else ' is'} pooled 'contracted services' staff "
                    "with a NULL identifier; their FTE is kept and counted in their PCN")
    for old, count in sorted(renamed.items()):
        ledger.note(f"renamed to the March 2020 name: {old} ({count} row{'s' if count != 1 else ''})")
    if unknown_groups:
        ledger.note("staff groups not among the three NHS Digital groups, kept as written: "
                    + ", ".join(sorted(unknown_groups)))
    if unknown_roles:
        ledger.note("staff roles this importer does not know, kept as written (add them to "
                    "importers/pcn_workforce.py if they are another spelling of a known role): "
                    + ", ".join(sorted(unknown_roles)))
    return staff


def _rename(name: str, canonical: Callable[[str], str], renamed: dict[str, int]) -> str:
    new = canonical(name)
    cleaned = " ".join(name.split())
    if new != cleaned:
        key = f"'{cleaned}' -> '{new}'"
        renamed[key] = renamed.get(key, 0) + 1
    return new
