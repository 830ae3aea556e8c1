"""OHID Fingertips practice deprivation (indicator 93553, IMD 2019 score): each practice's score and decile.

Read in any layout Fingertips or OHID publish: the 27-column API export (whose 24th column is named
differently from one export to the next, so it is not read) or a narrower download with the indicator
id, the year (time period), the area code and name, and the value.

Deciles are of the distribution of practice scores in the file(s) for that time period, which is England
when the file is the national export: practices are ranked by score, most deprived (highest score) first,
and a practice's decile is 1 + floor(10 x m / n), where m is the number of practices with a higher score
and n the number of practices. So decile 1 is the most deprived tenth of practices and 10 the least; equal
scores share a decile. Quintiles are the deciles in pairs (1-2 -> 1 ... 9-10 -> 5), the same as
1 + floor(5 x m / n).
"""
import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from importers.numbers import format_number, read_figure
from importers.report import RowLedger
from importers.sources import SourceFile, iter_rows

OUTPUT = "deprivation.csv"
PRACTICES_OUTPUT = "practices.csv"
COLUMNS = ("practice_code", "period", "imd_score", "deprivation_decile", "deprivation_quintile")
INDICATOR_ID = "93553"
INDICATOR_NAME = "Deprivation score (IMD 2019)"
PRACTICE_CODE = re.compile(r"[A-Z]\d{5}")  # ODS codes of GP practices: A81001, Y06592
YEAR = re.compile(r"(\d{4})")
FINANCIAL_YEAR = re.compile(r"(\d{4})\s*/\s*(\d{2}|\d{4})")
SCORE_DECIMALS = 4
LISTED = 12  # practice codes listed by name in a note; the rest are counted


@dataclass(frozen=True)
class PracticeScore:
    row: int
    practice_code: str
    period: str  # the time period's first month: '2019-01-01' for 2019, '2019-04-01' for 2019/20
    score: float


def read_deprivation(source: SourceFile, ledger: RowLedger,
                     progress: Callable[[str, int], None] | None = None) -> list[PracticeScore]:
    """Practice rows of indicator 93553 with a score; every other row is counted in the ledger with a reason."""
    scores: list[PracticeScore] = []
    seen: set[tuple[str, str]] = set()
    ledger.add_output(OUTPUT)
    for row, values in iter_rows(source, progress=progress, on_bad_row=ledger.drop_malformed):
        ledger.rows_read += 1
        code = values["area_code"].upper()
        example = f"{code} {values.get('area_name', '')}".strip() + f" (value {values['value'] or 'blank'})"
        indicator = values["indicator_id"]
        if indicator != INDICATOR_ID:
            name = values.get("indicator_name", "")
            ledger.drop(f"not indicator {INDICATOR_ID}, {INDICATOR_NAME}", row,
                        f"{code} (indicator {indicator or 'blank'}{' ' + name if name else ''})")
            continue
        area_type = values.get("area_type", "")
        if area_type and not area_type.casefold().startswith("gp"):
            ledger.drop(f"not a GP practice (area type {area_type})", row, example)
            continue
        if not PRACTICE_CODE.fullmatch(code):
            ledger.drop("area code is not a GP practice code", row, example)
            continue
        if values.get("category", ""):
            ledger.drop("a breakdown by category, not the practice's own score", row,
                        f"{example}, category {values['category']}")
            continue
        period = read_time_period(values["time_period"])
        if period is None:
            ledger.drop("time period is not a year (e.g. 2019 or 2019/20)", row,
                        f"{code} ({values['time_period'] or 'blank'})")
            continue
        score, why_not = read_figure(values["value"])
        if score is None:
            ledger.drop(f"value {why_not}", row, example)
            continue
        if (code, period) in seen:
            ledger.drop("practice appears twice for the same time period (the first row was kept)", row, example)
            continue
        seen.add((code, period))
        scores.append(PracticeScore(row, code, period, score))
        ledger.keep(OUTPUT)
    return scores


def read_time_period(text: str) -> str | None:
    """'2019' -> '2019-01-01'; '2019/20' -> '2019-04-01' (a financial year); None when neither."""
    text = text.strip()
    financial = FINANCIAL_YEAR.fullmatch(text)
    if financial:
        return f"{financial.group(1)}-04-01"
    if YEAR.fullmatch(text):
        return f"{text}-01-01"
    return None


def compute_deciles(scores: Mapping[str, float], groups: int = 10) -> dict[str, int]:
    """Practice code -> decile (or other `groups`) of `scores`, 1 = highest score (most deprived).

    1 + floor(groups x m / n): m practices have a higher score, n practices in all. Equal scores share a group.
    """
    ascending = sorted(scores.values())
    count = len(ascending)
    return {code: 1 + groups * (count - bisect.bisect_right(ascending, score)) // count
            for code, score in scores.items()}


@dataclass(frozen=True)
class DeprivationTables:
    rows: list[dict[str, str]]  # deprivation.csv, in COLUMNS order
    deciles: dict[str, str]  # practice code -> decile of the latest time period, for practices.csv
    sources: list[str]
    notes: list[str]


def collect_deprivation(files: Iterable[tuple[SourceFile, RowLedger, list[PracticeScore]]],
                        placed_practices: Iterable[str], region_name: str = "London") -> DeprivationTables:
    """Deciles per time period over every practice of the files; rows for the practices placed in practices.csv.

    A practice and time period given by two files is taken from the first file by name; the other row is
    counted as dropped.
    """
    placed = set(placed_practices)
    files = sorted(files, key=lambda item: item[0].name)
    by_period: dict[str, dict[str, PracticeScore]] = {}
    given_by: dict[tuple[str, str], str] = {}
    sources, notes = [], []
    for source, ledger, scores in files:
        periods = sorted({s.period for s in scores})
        sources.append(f"{source.name}: Office for Health Improvement and Disparities (OHID), Fingertips, indicator "
                       f"{INDICATOR_ID} {INDICATOR_NAME}, GP practices, time period "
                       + (", ".join(p[:4] for p in periods) or "none")
                       + " (data: Ministry of Housing, Communities and Local Government, English Indices of "
                         "Deprivation 2019)")
        for score in scores:
            key = (score.practice_code, score.period)
            if key in given_by:
                ledger.unkeep(OUTPUT)
                ledger.drop(f"practice and time period already given by {given_by[key]}", score.row,
                            score.practice_code, OUTPUT)
                continue
            given_by[key] = source.name
            by_period.setdefault(score.period, {})[score.practice_code] = score
    rows: list[dict[str, str]] = []
    deciles: dict[str, str] = {}
    ledgers = {source.name: ledger for source, ledger, _ in files}
    for period, scores in sorted(by_period.items()):
        decile_of = compute_deciles({code: s.score for code, s in scores.items()})
        london = sorted(code for code in scores if code in placed)
        notes.append(f"deprivation deciles for {period[:4]}: of the {len(scores):,} practices' scores in the file"
                     f"{'s' if len(files) > 1 else ''} ({len(london):,} of them in {region_name}), ranked from the most "
                     "deprived (decile 1) to the least (decile 10)"
                     + (f". Every practice in the file is a {region_name} practice, so these are {region_name} deciles, "
                        "not England's" if len(london) == len(scores) else ""))
        for code, score in sorted(scores.items()):
            if code not in placed:
                ledgers[given_by[(code, period)]].unkeep(OUTPUT)
                ledgers[given_by[(code, period)]].drop(f"practice not in {region_name} (its score counts in the deciles)",
                                                       score.row, code, OUTPUT)
                continue
            decile = decile_of[code]
            rows.append({"practice_code": code, "period": period,
                         "imd_score": format_number(score.score, SCORE_DECIMALS),
                         "deprivation_decile": str(decile), "deprivation_quintile": str((decile + 1) // 2)})
            deciles[code] = str(decile)  # periods run oldest first, so the latest one stays
    if by_period:
        missing = sorted(placed - set(deciles))
        if missing:
            notes.append(f"{len(missing):,} practice{'s' if len(missing) != 1 else ''} in practices.csv "
                         f"{'have' if len(missing) != 1 else 'has'} no deprivation score (not in the Fingertips file, "
                         "which covers the practices open when it was exported), so no decile: "
                         + ", ".join(missing[:LISTED]) + (f" and {len(missing) - LISTED} more" if len(missing) > LISTED
                                                          else ""))
    return DeprivationTables(rows, deciles, sources, notes)
