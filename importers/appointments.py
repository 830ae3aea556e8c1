"""NHS Digital "Appointments in General Practice", regional CSV: appointments per CCG and month, by category.

Each row counts the appointments of one CCG and month with one status (attended, did not attend),
one kind of staff (GP, other practice staff), one mode (face to face, home visit, telephone, video or
online) and one time from booking to appointment. They are added up per STP and month into a count for
every category, so that config.yaml can work out appointments per 1,000 registered patients and the
share of each kind. 'Unknown' (and any value this importer does not know, said in the report) is kept
in a column of its own: the shares in config.yaml are out of the appointments whose category is known,
and the unknown count stays in the table for the page to say how many there were.

The files name the STP by its ONS code (STP_ONS, E54...); the practice mapping (gp-reg-pat-prac-map.csv,
ONS_STP_CODE and STP_CODE) matches it to the STP codes of practices.csv, and failing the code, the STP's
name. Without a practice mapping no STP can be matched, and the rows are counted as dropped.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from importers.dates import describe_month, find_nearest_period, months_between, read_period
from importers.numbers import read_figure
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "appointments.csv"
# For each category: the values as the files write them (lower case, single spaces) -> our column.
# The first column of each is where 'Unknown' and values not listed here are counted.
CATEGORIES: dict[str, tuple[str, dict[str, str]]] = {
    "status": ("status_unknown", {"attended": "attended", "dna": "did_not_attend", "unknown": "status_unknown"}),
    "staff_type": ("staff_unknown", {"gp": "gp", "other practice staff": "other_staff", "unknown": "staff_unknown"}),
    "mode": ("mode_unknown", {
        "face-to-face": "face_to_face", "face to face": "face_to_face", "home visit": "home_visit",
        "telephone": "telephone", "video/online": "video_online", "video conference/online": "video_online",
        "unknown": "mode_unknown"}),
    "timing": ("timing_unknown", {
        "same day": "same_day", "1 day": "next_day", "2 to 7 days": "days_2_to_7", "8 to 14 days": "days_8_to_14",
        "15 to 21 days": "days_15_to_21", "22 to 28 days": "days_22_to_28", "more than 28 days": "over_28_days",
        "unknown / data issue": "timing_unknown", "unknown": "timing_unknown"}),
}
COUNT_COLUMNS = ("appointments", *dict.fromkeys(c for _, columns in CATEGORIES.values() for c in columns.values()))
COLUMNS = ("stp_code", "period", *COUNT_COLUMNS, "registered_patients", "registered_patients_period")
HEADINGS = {"status": "APPT_STATUS", "staff_type": "HCP_TYPE", "mode": "APPT_MODE",
            "timing": "TIME_BETWEEN_BOOK_AND_APPT"}


@dataclass(frozen=True)
class AppointmentCount:
    row: int
    stp_ons_code: str
    stp_name: str
    period: str
    columns: tuple[str, ...]  # the count's column for status, staff type, mode and timing
    count: int


def read_appointments(source: SourceFile, ledger: RowLedger,
                      progress: Callable[[str, int], None] | None = None, *,
                      in_region: Callable[[str, str, str], bool] | None = None,
                      region_name: str = "London") -> list[AppointmentCount]:
    """The region's rows with a count; other rows are counted in the ledger with a reason.

    `in_region(region code, region name, STP ONS code)` says whether a row is in the region imported
    (importers/regions.py RegionScope.area_row_in); without it, rows of London are kept.
    """
    counts: list[AppointmentCount] = []
    unknown_values: dict[str, int] = defaultdict(int)
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        stp = values["stp_ons_code"].upper()
        example = f"{stp} {values['month']} ({values['count'] or 'blank'} appointments)"
        inside = (in_region(values.get("region_code", ""), values.get("region_name", ""), stp) if in_region
                  else _is_london(values))
        if not inside:
            ledger.drop(f"outside {region_name}", row,
                        f"{stp} ({values.get('region_name') or values.get('region_code')})")
            continue
        if not stp:
            ledger.drop("STP code (STP_ONS) is blank", row, example)
            continue
        try:
            period = read_period(values["month"])
        except ValueError:
            ledger.drop("Appointment_Month is not a month (e.g. MAR2019)", row, example)
            continue
        count, why_not = read_figure(values["count"], whole=True)
        if count is None:
            ledger.drop(f"COUNT_OF_APPOINTMENTS {why_not}", row, example)
            continue
        columns = []
        for category, (unknown, known) in CATEGORIES.items():
            written = " ".join(values[category].split())
            column = known.get(written.casefold())
            if column is None:
                unknown_values[f"{HEADINGS[category]} '{written}'"] += 1
                column = unknown
            columns.append(column)
        counts.append(AppointmentCount(row, stp, " ".join(values.get("stp_name", "").split()), period,
                                       tuple(columns), int(count)))
        ledger.keep(OUTPUT)
    for value, rows in sorted(unknown_values.items()):
        ledger.note(f"{value} is not a category this importer knows; its {rows:,} row{'s' if rows != 1 else ''} "
                    "are counted as unknown for that category")
    return counts


def match_stp_name(name: str) -> str:
    """'East London Health And Care Partnership  STP' and 'East London Health and Care Partnership' -> one key."""
    words = name.casefold().split()
    while words and words[-1] in ("stp", "icb"):
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class AppointmentTable:
    rows: list[dict[str, str]]  # appointments.csv, in COLUMNS order
    sources: list[str]
    notes: list[str]
    coverage: str  # '' when every STP of practices.csv has figures for every month imported


def collect_appointments(files: Iterable[tuple[SourceFile, RowLedger, list[AppointmentCount]]],
                         stp_of_ons_code: Mapping[str, str], stp_of_name: Mapping[str, str],
                         stp_names: Mapping[str, str], list_sizes: Mapping[str, Mapping[str, int]],
                         region_name: str = "London") -> AppointmentTable:
    """Counts per STP and month, with the STP's registered patients from the nearest list of patients.

    `stp_of_ons_code` / `stp_of_name` (from the practice mapping) give the STP code of practices.csv;
    `stp_names` every STP code of practices.csv -> name; `list_sizes` list period -> STP code -> patients.
    When two files give the same STP and month, the later publication (the file whose latest month is
    later) is used, as NHS Digital revises recent months; the other file's rows are counted as dropped.
    """
    files = sorted(files, key=lambda item: (max((c.period for c in item[2]), default=""), item[0].name), reverse=True)
    # (latest month, name) from the latest down: the first file to give an STP and month is the one kept
    totals: dict[tuple[str, str], dict[str, int]] = {}
    given_by: dict[tuple[str, str], str] = {}
    matched_by_name: set[str] = set()
    sources, notes = [], []
    for source, _, counts in sorted(files, key=lambda item: item[0].name):
        periods = sorted({c.period for c in counts})
        span = f"{describe_month(periods[0])} to {describe_month(periods[-1])}" if periods else "no months"
        stps = sorted({c.stp_name or c.stp_ons_code for c in counts})
        sources.append(f"{source.name}: NHS Digital, Appointments in General Practice, regional CSV "
                       f"({'; '.join(stps) or f'no {region_name} STP'}), {span} (counts summed by STP and month)")
    for source, ledger, counts in files:
        for count in counts:
            stp = stp_of_ons_code.get(count.stp_ons_code)
            if stp is None and match_stp_name(count.stp_name) in stp_of_name:
                stp = stp_of_name[match_stp_name(count.stp_name)]
                matched_by_name.add(f"{count.stp_ons_code} '{count.stp_name}' -> {stp}")
            if stp is None:
                ledger.unkeep(OUTPUT)
                reason = (f"STP {count.stp_ons_code} is not in the practice mapping, so it cannot be matched to an "
                          "STP of practices.csv" if stp_of_ons_code else
                          "no practice mapping (gp-reg-pat-prac-map.csv, with ONS_STP_CODE and STP_CODE) was "
                          "imported, so the file's STP cannot be matched to an STP of practices.csv")
                ledger.drop(reason, count.row, f"{count.stp_ons_code} {count.stp_name}".strip(), OUTPUT)
                continue
            key = (stp, count.period)
            if given_by.setdefault(key, source.name) != source.name:
                ledger.unkeep(OUTPUT)
                ledger.drop(f"this STP and month are given by {given_by[key]}, a publication as late or later",
                            count.row, f"{stp} {describe_month(count.period)}", OUTPUT)
                continue
            row = totals.setdefault(key, dict.fromkeys(COUNT_COLUMNS, 0))
            row["appointments"] += count.count
            for column in count.columns:
                row[column] += count.count
    if matched_by_name:
        notes.append("STPs matched to the practice mapping by name, as their ONS code is not in it: "
                     + "; ".join(sorted(matched_by_name)))
    rows = _add_registered_patients(totals, list_sizes, notes)
    coverage = _describe_coverage(totals, stp_names, notes)
    return AppointmentTable(rows, sources, notes, coverage)


def _add_registered_patients(totals: dict[tuple[str, str], dict[str, int]],
                             list_sizes: Mapping[str, Mapping[str, int]], notes: list[str]) -> list[dict[str, str]]:
    """Each STP and month's registered patients, from the nearest list; the notes say which list and how far."""
    rows = []
    used: dict[str, list[str]] = defaultdict(list)  # list period -> months it was used for
    for (stp, period), counts in sorted(totals.items(), key=lambda item: (item[0][1], item[0][0])):
        patients, list_period = "", ""
        if list_sizes:
            list_period = find_nearest_period(list_sizes, period)
            if stp in list_sizes[list_period]:
                patients = str(list_sizes[list_period][stp])
                used[list_period].append(period)
        rows.append({"stp_code": stp, "period": period, **{c: str(v) for c, v in counts.items()},
                     "registered_patients": patients, "registered_patients_period": list_period if patients else ""})
    for list_period, months in sorted(used.items()):
        months = sorted(set(months))
        gaps = sorted({months_between(list_period, m) for m in months})
        notes.append(f"appointments per 1,000 patients for {describe_month(months[0])} to {describe_month(months[-1])} "
                     f"({len(months)} month{'s' if len(months) != 1 else ''}) use the {describe_month(list_period)} list "
                     f"of registered patients ({gaps[0]} to {gaps[-1]} months apart)")
    if totals and not list_sizes:
        notes.append("no list of registered patients was imported, so appointments per 1,000 patients cannot be "
                     "worked out; the shares of appointments can")
    return sorted(rows, key=lambda r: (r["stp_code"], r["period"]))


def _describe_coverage(totals: dict[tuple[str, str], dict[str, int]], stp_names: Mapping[str, str],
                       notes: list[str]) -> str:
    """A sentence when some STPs or months have no figures: the region's total then adds up the others only."""
    if not totals:
        return ""
    months = sorted({period for _, period in totals})
    covered = {stp for stp, _ in totals}
    missing = sorted(set(stp_names) - covered)
    gaps = sorted(f"{stp} {describe_month(m)}" for stp in covered for m in months if (stp, m) not in totals)
    sentences = []
    if missing:
        sentences.append(f"Appointments in General Practice files were imported for {len(covered)} of the "
                         f"{len(stp_names)} STPs; there is none for {', '.join(sorted(stp_names[s] for s in missing))}, so "
                         "figures for the whole region add up the other STPs only.")
    if gaps:
        sentences.append(f"Some STPs have no figures for some months: {', '.join(gaps[:12])}"
                         + (f" and {len(gaps) - 12} more." if len(gaps) > 12 else "."))
    if sentences:
        notes.append(" ".join(sentences))
    return " ".join(sentences)


LONDON_REGION_CODES = frozenset({"Y56", "Q71", "E40000003"})  # NHS England London: commissioning region, 2018, ONS


def _is_london(values: dict[str, str]) -> bool:
    region = values.get("region_code", "").upper()
    if region:
        return region in LONDON_REGION_CODES or values.get("region_name", "").casefold() == "london"
    return not values.get("region_name") or values["region_name"].casefold() == "london"
