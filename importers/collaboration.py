"""Collaboration from the practice mapping: which practices are in a Primary Care Network, and each network's size.

One period per practice mapping given (its extract month), so several mappings make a trend. A
network's size is the registered patients of its practices in the nearest list of patients. The other
collaboration columns (federation, shared record, any collaboration) are in no public file: they are
written blank, which the app reads as "no figure", never as 0.
"""
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from importers.dates import describe_month, find_nearest_period, months_between
from importers.practice_mapping import MappedPractice
from importers.report import RowLedger
from importers.sources import SourceFile

OUTPUT = "collaboration.csv"
NETWORKS_OUTPUT = "networks.csv"
COLUMNS = ("practice_code", "period", "in_collaboration", "in_federation", "in_pcn", "shared_record", "pcn_size_band")
NETWORK_COLUMNS = ("pcn_code", "period", "practices", "registered_patients", "pcn_size_band")
SIZE_BANDS = ("under 30,000", "30,000 to 50,000", "over 50,000")
NOT_IN_A_NETWORK = "not in a network"
NOT_PUBLISHED = {
    "in_collaboration": "No public file says which practices work with others outside their network (federations, "
                        "super-practices), so there is no figure for practices in any collaborative arrangement.",
    "in_federation": "No public file lists the members of GP federations, so there is no figure for practices in "
                     "a federation.",
    "shared_record": "No public file says which practices use a shared care record, so there is no figure for it.",
}
LISTED = 12


def find_size_band(patients: int) -> str:
    """The band of a network's combined list: the national model is 30,000 to 50,000 patients, both ends included."""
    return SIZE_BANDS[0] if patients < 30000 else SIZE_BANDS[1] if patients <= 50000 else SIZE_BANDS[2]


@dataclass(frozen=True)
class CollaborationTables:
    rows: list[dict[str, str]]  # collaboration.csv, in COLUMNS order
    networks: list[dict[str, str]]  # networks.csv, in NETWORK_COLUMNS order
    notes: list[str]


def collect_collaboration(mappings: Iterable[tuple[SourceFile, RowLedger, list[MappedPractice]]],
                          list_sizes: Mapping[str, Mapping[str, int]], practices: Mapping[str, object],
                          ensure_practice: Callable[[MappedPractice, RowLedger, str], bool]) -> CollaborationTables:
    """Network membership per practice and size per network, for each mapping's extract month.

    `list_sizes`: list period -> practice code -> registered patients. `practices`: practices.csv so far,
    code -> practice (with a `pcn_code`). `ensure_practice(practice, ledger, file name)` is True when the
    practice is in practices.csv, adding one an older mapping has and the latest lacks (it closed since);
    False when it cannot be placed (the ledger then counts the row as dropped for collaboration.csv).
    """
    rows: list[dict[str, str]] = []
    notes: list[str] = []
    members: dict[tuple[str, str], list[tuple[MappedPractice, RowLedger]]] = defaultdict(list)
    given_by: dict[str, str] = {}
    dated = sorted(((_most_common([p.period for p in mapped]), source, ledger, mapped)
                    for source, ledger, mapped in mappings), key=lambda item: (item[0], item[1].name))
    for period, source, ledger, mapped in dated:  # oldest first, so a later mapping's network is the one kept
        ledger.add_output(OUTPUT)
        ledger.add_output(NETWORKS_OUTPUT)
        first = given_by.setdefault(period, source.name) if period else ""
        reason = ("the file's EXTRACT_DATE is not a readable date, so its period is unknown" if not period else
                  f"a mapping of the same month ({describe_month(period)}) was given first: {first}"
                  if first != source.name else "")
        for practice in mapped:
            if reason:
                ledger.drop(reason, practice.row, practice.practice_code, OUTPUT)
                ledger.drop(reason, practice.row, practice.practice_code, NETWORKS_OUTPUT)
                continue
            if not ensure_practice(practice, ledger, source.name):
                ledger.drop("practice is not in practices.csv and cannot be placed in a borough", practice.row,
                            practice.practice_code, NETWORKS_OUTPUT)
                continue
            rows.append({"practice_code": practice.practice_code, "period": period, "in_collaboration": "",
                         "in_federation": "", "in_pcn": "1" if practice.pcn_code else "0", "shared_record": "",
                         "pcn_size_band": "" if practice.pcn_code else NOT_IN_A_NETWORK})
            ledger.keep(OUTPUT)
            if practice.pcn_code:
                members[(practice.pcn_code, period)].append((practice, ledger))
            else:
                ledger.drop("practice is not in a network (PCN code U)", practice.row, practice.practice_code,
                            NETWORKS_OUTPUT)
    networks = _size_networks(members, list_sizes, {getattr(p, "pcn_code", "") for p in practices.values()}, notes)
    bands = {(n["pcn_code"], n["period"]): n["pcn_size_band"] for n in networks}
    pcn_of = {(p.practice_code, period): p.pcn_code for (_, period), group in members.items() for p, _ in group}
    for row in rows:
        pcn = pcn_of.get((row["practice_code"], row["period"]))
        if pcn:
            row["pcn_size_band"] = bands.get((pcn, row["period"]), "")
    return CollaborationTables(sorted(rows, key=lambda r: (r["period"], r["practice_code"])),
                               sorted(networks, key=lambda r: (r["period"], r["pcn_code"])), notes)


def _size_networks(members: dict[tuple[str, str], list[tuple[MappedPractice, RowLedger]]],
                   list_sizes: Mapping[str, Mapping[str, int]], placed_networks: set[str],
                   notes: list[str]) -> list[dict[str, str]]:
    networks = []
    unlisted: dict[str, list[str]] = defaultdict(list)
    for period in sorted({period for _, period in members}):
        list_period = find_nearest_period(list_sizes, period) if list_sizes else ""
        sizes = list_sizes.get(list_period, {})
        if list_period:
            gap = months_between(list_period, period)
            notes.append(f"network sizes for the {describe_month(period)} practice mapping use the "
                         f"{describe_month(list_period)} list of registered patients ({gap} month"
                         f"{'s' if gap != 1 else ''} apart)")
        else:
            notes.append(f"no list of registered patients was imported, so the networks of the {describe_month(period)} "
                         "practice mapping have no size (pcn_size_band is blank)")
        for (pcn, month), group in sorted(members.items()):
            if month != period:
                continue
            if pcn not in placed_networks:
                for practice, ledger in group:
                    ledger.drop("network is not in practices.csv (none of its practices is in the latest mapping)",
                                practice.row, f"{practice.practice_code} {pcn}", NETWORKS_OUTPUT)
                continue
            listed = [sizes[p.practice_code] for p, _ in group if p.practice_code in sizes]
            unlisted[period].extend(p.practice_code for p, _ in group if p.practice_code not in sizes)
            for _, ledger in group:
                ledger.keep(NETWORKS_OUTPUT)
            patients = sum(listed) if listed else None
            networks.append({"pcn_code": pcn, "period": period, "practices": str(len(group)),
                             "registered_patients": "" if patients is None else str(patients),
                             "pcn_size_band": "" if patients is None else find_size_band(patients)})
    for period, codes in sorted(unlisted.items()):
        if codes and list_sizes:
            notes.append(f"{len(codes):,} practice{'s' if len(codes) != 1 else ''} in a network in the "
                         f"{describe_month(period)} mapping {'are' if len(codes) != 1 else 'is'} not in the list of "
                         "registered patients used (closed or merged since), so their network's size leaves them out: "
                         + ", ".join(sorted(codes)[:LISTED]) + (f" and {len(codes) - LISTED} more"
                                                                if len(codes) > LISTED else ""))
    return networks


def _most_common(values: list[str]) -> str:
    """The value given most often (the latest of equals); '' for none."""
    return max(Counter(values).items(), key=lambda item: (item[1], item[0]))[0] if values else ""
