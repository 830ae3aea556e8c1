"""Which NHS England region or system (STP) to import, and which rows of each national file belong to it.

The practice mapping (gp-reg-pat-prac-map.csv) says each practice's region and system, so it decides:
`--region` may be a region's name or code (London, North West, Y62, E40000010) or a system's code or
name (QMJ, E54000028). Files without a region column follow the mapping: a practice it places elsewhere is
outside; one it does not list is placed through its CCG (a CCG most of whose listed practices are in the
region, or one of the region's reference CCGs). Without a mapping only a region of importers/reference can
be imported.
"""
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from importers.geography import PlaceReference, find_reference_region, load_place_reference
from importers.sources import ImportFileError, SourceFile, iter_rows

REGION, SYSTEM = "region", "system"


@dataclass(frozen=True)
class Region:
    """The top area of the import: an NHS England region, or one system (STP)."""

    code: str  # ONS code: E40000003 (London) or, for a system, E54000028
    name: str
    kind: str  # REGION or SYSTEM
    codes: frozenset[str]  # every code and name files use for it, normalised: 'y56', 'e40000003', 'london', 'qmj' ...
    region_code: str  # the ONS code of the region it is in (itself for a region): the reference's key
    reference: PlaceReference | None


@dataclass
class MappingSurvey:
    """What the practice mapping files say about every practice in England (read before the import proper)."""

    practice_region: dict[str, str] = field(default_factory=dict)  # practice -> region key (ONS code or name)
    practice_stp: dict[str, str] = field(default_factory=dict)
    practice_ccg: dict[str, str] = field(default_factory=dict)
    practice_pcn: dict[str, str] = field(default_factory=dict)
    regions: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # key -> (ONS code, NHS code, name)
    stps: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # NHS code -> (ONS code, name, region key)
    ccg_names: dict[str, str] = field(default_factory=dict)
    stp_names: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


@dataclass
class RegionScope:
    """Decides, row by row, whether a file's row is in the chosen region."""

    region: Region
    practices: set[str]  # practices the mapping puts in the region
    elsewhere: set[str]  # practices the mapping puts in another region
    ccgs: set[str]  # CCG codes of the region (the mapping's and the reference's)
    pcns: set[str]
    pcns_elsewhere: set[str]
    stp_codes: set[str]

    @property
    def outside(self) -> str:
        """The reason a row outside the region is dropped for, in the report."""
        return f"outside {self.region.name}"

    def practice_in(self, code: str, ccg_code: str, ccg_regions: dict[str, bool] | None = None,
                    region_code: str = "", region_name: str = "") -> bool:
        """A practice of a file with no region, or another year's regions: the mapping decides, else its CCG
        does, else the row's own region when it names the same one ('NHS ENGLAND LONDON')."""
        if code in self.practices:
            return True
        if code in self.elsewhere:
            return False
        if ccg_code in self.ccgs or (ccg_regions or {}).get(ccg_code):
            return True
        return ccg_code not in (ccg_regions or {}) and _matches(self.region, region_code, region_name)

    def pcn_in(self, pcn_code: str, values: dict[str, str]) -> bool:
        """A PCN workforce row: the mapping's PCNs decide, else the row's own region or system code."""
        if pcn_code in self.pcns:
            return True
        if pcn_code in self.pcns_elsewhere:
            return False
        if self.region.kind == SYSTEM:
            return _normalise(values.get("stp_code", "")) in self.region.codes
        return _matches(self.region, values.get("region_code", ""), values.get("region_name", ""))

    def area_row_in(self, region_code: str, region_name: str, stp_code: str = "") -> bool:
        """A row of a file of areas (CCGs, STPs) with its own region and STP codes: is it in the import?
        A row naming no region is kept (the file is one region's)."""
        if self.region.kind == SYSTEM:
            return _normalise(stp_code) in self.region.codes
        if not region_code and not region_name:
            return True
        return _matches(self.region, region_code, region_name)

    def ccg_regions(self, pairs: Iterable[tuple[str, str]]) -> dict[str, bool]:
        """For each CCG code of a file's (practice, CCG) pairs: are most of its practices the mapping lists in
        the region? (A CCG of another year, e.g. 2018-19, whose practices the 2020 mapping places.)"""
        votes: dict[str, Counter] = defaultdict(Counter)
        for code, ccg in pairs:
            if code in self.practices:
                votes[ccg][True] += 1
            elif code in self.elsewhere:
                votes[ccg][False] += 1
        return {ccg: count[True] > count[False] for ccg, count in votes.items()}


def survey_mappings(sources: Iterable[SourceFile]) -> MappingSurvey:
    """Every practice's region, system, CCG and PCN in the mapping files (later rows win)."""
    survey = MappingSurvey()
    for source in sources:
        for _, values in iter_rows(source):
            code = values["practice_code"].upper()
            ons, nhs, name = (values.get("region_ons_code", "").upper(), values.get("region_code", "").upper(),
                              " ".join(values.get("region_name", "").split()))
            key = ons or nhs or name.casefold()
            stp = values["stp_code"].upper()
            if not code:
                continue
            survey.practice_region[code] = key
            survey.practice_stp[code] = stp
            survey.practice_ccg[code] = values["ccg_code"].upper()
            survey.practice_pcn[code] = values["pcn_code"].upper()
            if key:
                survey.regions.setdefault(key, (ons, nhs, name))
            if stp:
                survey.stps.setdefault(stp, (values.get("stp_ons_code", "").upper(), values.get("stp_name", ""), key))
                if values.get("stp_name"):
                    survey.stp_names[stp][" ".join(values["stp_name"].split())] += 1
            if values.get("ccg_name"):
                survey.ccg_names.setdefault(values["ccg_code"].upper(), " ".join(values["ccg_name"].split()))
    return survey


def resolve_region(wanted: str, survey: MappingSurvey) -> Region:
    """The region or system `wanted` names. Raises ImportFileError (one line) listing the choices."""
    key = _normalise(wanted)
    for region_key, (ons, nhs, name) in survey.regions.items():
        if key in {_normalise(ons), _normalise(nhs), _normalise(name)} - {""}:
            code = ons or nhs or name
            return Region(code, name or code, REGION, _codes(ons, nhs, name), code, load_place_reference(code))
    for stp, (ons, name, region_key) in survey.stps.items():
        names = {_normalise(n) for n in survey.stp_names.get(stp, ())}
        if key in ({_normalise(stp), _normalise(ons)} | names) - {""}:
            ons_region = survey.regions.get(region_key, (region_key, "", ""))[0] or region_key
            shown = survey.stp_names[stp].most_common(1)[0][0] if survey.stp_names.get(stp) else stp
            return Region(ons or stp, shown, SYSTEM, _codes(stp, ons, *names), ons_region,
                          load_place_reference(ons_region))
    if not survey.regions:
        found = find_reference_region(wanted)
        if found:
            code, name = found
            return Region(code, name, REGION, _codes(code, name), code, load_place_reference(code))
        raise ImportFileError(f"--region {wanted}: without the practice mapping (gp-reg-pat-prac-map.csv), which "
                              "says each practice's region, only a region with reference tables in "
                              "importers/reference can be imported; give the mapping too.")
    choices = ", ".join(sorted(name for _, _, name in survey.regions.values() if name))
    raise ImportFileError(f"--region {wanted}: not a region or system in the practice mapping; use a region "
                          f"({choices}), its code (e.g. {next(iter(survey.regions.values()))[1] or 'Y56'}) or a "
                          f"system code (e.g. {next(iter(survey.stps), 'QMJ')}).")


def build_scope(region: Region, survey: MappingSurvey) -> RegionScope:
    if region.kind == SYSTEM:
        inside = {code for code, stp in survey.practice_stp.items() if _normalise(stp) in region.codes}
    else:
        keys = {key for key, triple in survey.regions.items() if _matches(region, *triple)}
        inside = {code for code, key in survey.practice_region.items() if key in keys}
    elsewhere = set(survey.practice_region) - inside
    ccgs = {survey.practice_ccg[code] for code in inside}
    if region.reference is not None:
        ccgs |= {c.code for c in region.reference.ccgs.values()
                 if region.kind == REGION or _normalise(c.stp_code) in region.codes}
    pcns = {survey.practice_pcn[code] for code in inside}
    return RegionScope(region, inside, elsewhere, ccgs - {""}, pcns - {""},
                       {survey.practice_pcn[code] for code in elsewhere} - pcns - {""},
                       {survey.practice_stp[code] for code in inside} - {""})


def _matches(region: Region, *codes_and_names: str) -> bool:
    return bool({_normalise(part) for part in codes_and_names} & region.codes)


def _codes(*parts: str) -> frozenset[str]:
    return frozenset(_normalise(part) for part in parts) - {""}


def _normalise(text: str) -> str:
    """'NHS England London' and ' london region' -> 'london'; codes are compared the same way ('y56')."""
    words = " ".join(text.split()).casefold()
    words = words.removeprefix("nhs england ").removesuffix(" region").strip()
    return words
