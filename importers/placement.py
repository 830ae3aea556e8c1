"""Placing each practice in its system (STP) and its place, from everything the files say about it.

In a region with reference tables (London) the places are boroughs, and one precedence holds whatever
files are given, the first that settles it winning:

1. `ccg`: every CCG the files give the practice (the mapping's, a payments file's 2018-19 CCG, a patient
   list's) covers one and the same borough. A merged CCG (2020, 2021) covers every borough of its STP.
2. `postcode`: the practice's postcode district lies in only one of the boroughs its CCGs (or its STP) cover.
3. `pcn`: most of the other practices of its Primary Care Network were placed by 1 or 2 in one of those
   boroughs (a network lies within one CCG of 2019, and most of those covered one borough; not used for a
   practice whose own CCG of 2019 covered two, such as City and Hackney).
4. `postcode`: the district's main borough among those its CCGs cover (the district crosses boroughs).
5. `none`: no borough; the practice still counts in its STP and the region.

Elsewhere the places are the practice mapping's CCGs (`ccg`); a practice the mapping does not list takes
the mapping CCG most practices of its own CCG are in, or `none`.
"""
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from importers.geography import PlaceReference, read_postcode_district

BY_CCG, BY_POSTCODE, BY_PCN, NOT_PLACED = "ccg", "postcode", "pcn", "none"
PLACEMENT_SOURCES = (BY_CCG, BY_POSTCODE, BY_PCN, NOT_PLACED)


@dataclass
class PracticeEvidence:
    """What the files say about one practice."""

    code: str
    name: str = ""
    postcode: str = ""
    pcn_code: str = ""
    pcn_name: str = ""
    stp_code: str = ""  # the practice mapping's
    mapping_ccg: str = ""  # the practice mapping's CCG
    ccgs: list[str] = field(default_factory=list)  # every CCG the files give it, the mapping's first
    origin: str = ""  # the file that listed it ('' for the mapping)


@dataclass(frozen=True)
class Placement:
    borough_code: str  # '' when not placed
    borough_name: str
    ccg_code: str
    ccg_name: str
    stp_code: str
    source: str  # one of PLACEMENT_SOURCES
    crosses: bool = False  # placed by a postcode district lying in several of the boroughs it could be in


def place_practices(practices: Iterable[PracticeEvidence], reference: PlaceReference | None,
                    ccg_names: dict[str, str]) -> dict[str, Placement | None]:
    """Each practice's placement; None when not even its STP can be told."""
    practices = list(practices)
    stp_votes: dict[str, Counter] = defaultdict(Counter)
    place_votes: dict[str, Counter] = defaultdict(Counter)
    for practice in practices:
        if practice.stp_code:
            for ccg in practice.ccgs:
                stp_votes[ccg][practice.stp_code] += 1
                place_votes[ccg][practice.mapping_ccg] += 1
    stps = {p.code: _find_stp(p, reference, stp_votes) for p in practices}
    if reference is None:
        mapping_ccgs = {p.mapping_ccg for p in practices if p.mapping_ccg}
        return {p.code: _place_in_ccg_area(p, stps[p.code], mapping_ccgs, place_votes, ccg_names)
                if stps[p.code] else None for p in practices}
    candidates = {p.code: _candidate_boroughs(p, stps[p.code], reference) for p in practices}
    anchors: dict[str, Counter] = defaultdict(Counter)  # PCN -> boroughs of its practices placed by 1 or 2
    for practice in practices:
        settled = _settled_borough(practice, candidates[practice.code], reference)
        if settled and practice.pcn_code:
            anchors[practice.pcn_code][settled[0]] += 1
    return {p.code: _place_in_borough(p, stps[p.code], candidates[p.code], anchors, reference, ccg_names)
            if stps[p.code] else None for p in practices}


def _find_stp(practice: PracticeEvidence, reference: PlaceReference | None, stp_votes: dict[str, Counter]) -> str:
    if practice.stp_code:
        return practice.stp_code
    for ccg in practice.ccgs:
        if reference is not None and ccg in reference.ccgs:
            return reference.ccgs[ccg].stp_code
    for ccg in practice.ccgs:
        if stp_votes.get(ccg):
            return stp_votes[ccg].most_common(1)[0][0]
    return ""


def _candidate_boroughs(practice: PracticeEvidence, stp: str, reference: PlaceReference) -> tuple[str, ...]:
    """The boroughs every CCG of the practice covers (the newest CCG's when they disagree), else its STP's."""
    covered = [reference.ccg_boroughs(ccg) for ccg in practice.ccgs if ccg in reference.ccgs]
    if not covered:
        return reference.stp_boroughs(stp)
    common = tuple(b for b in covered[0] if all(b in other for other in covered[1:]))
    return common or covered[0]


def _settled_borough(practice: PracticeEvidence, candidates: tuple[str, ...],
                     reference: PlaceReference) -> tuple[str, str] | None:
    """(borough, source) by rule 1 or 2, or None."""
    if len(candidates) == 1:
        return candidates[0], BY_CCG
    in_district = [b for b in reference.district_boroughs(read_postcode_district(practice.postcode)) if b in candidates]
    if len(in_district) == 1:
        return in_district[0], BY_POSTCODE
    return None


def _place_in_borough(practice: PracticeEvidence, stp: str, candidates: tuple[str, ...], anchors: dict[str, Counter],
                      reference: PlaceReference, ccg_names: dict[str, str]) -> Placement:
    settled = _settled_borough(practice, candidates, reference)
    crosses = False
    in_two_borough_ccg = any(not ccg.merged and len(ccg.borough_codes) > 1
                             for ccg in (reference.ccgs.get(code) for code in practice.ccgs) if ccg)
    if settled is None and practice.pcn_code and not in_two_borough_ccg:
        votes = [(borough, count) for borough, count in anchors.get(practice.pcn_code, Counter()).most_common()
                 if borough in candidates]
        if votes and (len(votes) == 1 or votes[0][1] > votes[1][1]):
            settled = votes[0][0], BY_PCN
    if settled is None:
        in_district = [b for b in reference.district_boroughs(read_postcode_district(practice.postcode))
                       if b in candidates]
        if in_district:
            settled, crosses = (in_district[0], BY_POSTCODE), True
    if settled is None:
        ccg = practice.ccgs[0] if practice.ccgs else ""
        name = reference.ccgs[ccg].name if ccg in reference.ccgs else ccg_names.get(ccg, ccg)
        return Placement("", "", ccg, name, stp, NOT_PLACED)
    borough, source = settled
    own = [c for c in practice.ccgs if c in reference.ccgs and not reference.ccgs[c].merged
           and borough in reference.ccgs[c].borough_codes]
    ccg = own[0] if own else reference.borough_ccg.get(borough, "")
    ccg_name = reference.ccgs[ccg].name if ccg in reference.ccgs else ccg_names.get(ccg, ccg)
    return Placement(borough, reference.borough_names[borough], ccg, ccg_name, stp, source, crosses)


def _place_in_ccg_area(practice: PracticeEvidence, stp: str, mapping_ccgs: set[str], place_votes: dict[str, Counter],
                       ccg_names: dict[str, str]) -> Placement:
    """Outside a reference region the place is the practice mapping's CCG."""
    place = practice.mapping_ccg or next((c for c in practice.ccgs if c in mapping_ccgs), "")
    if not place:
        voted = next((place_votes[c].most_common(1)[0][0] for c in practice.ccgs if place_votes.get(c)), "")
        place = voted
    if not place:
        ccg = practice.ccgs[0] if practice.ccgs else ""
        return Placement("", "", ccg, ccg_names.get(ccg, ccg), stp, NOT_PLACED)
    name = ccg_names.get(place, place)
    return Placement(place, name, place, name, stp, BY_CCG)
