"""Plain-language summary of one STP or borough, written from the tidy indicator tables for the public."""
import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.areas import AreaModel
from indicators.formatting import format_count, format_period
from indicators.readability import MAX_SENTENCE_WORDS as READABLE_SENTENCE_WORDS
from indicators.readability import find_decimal_numbers, find_unexplained_acronyms, split_sentences

RATE_BASES = (1_000, 10_000, 100_000)
SMALLEST_COUNT_SHOWN = 5  # a rate is put per 1,000, 10,000 or 100,000 people so its count is at least this
MAX_SENTENCE_WORDS = 25
REGION_LEVEL = "region"
NO_FIGURE_YET = "There is no figure for this yet."
NO_PUBLIC_FIGURE = "We have no figures for this, so we cannot say how this area is doing."
_FILE_NAME = re.compile(r"\w_\w|\b[\w-]+\.(?:csv|ya?ml|json|geojson|txt|xlsx?)\b", re.IGNORECASE)

# A change smaller than the indicator's meaningful_difference (config.yaml) is "about the same"; an indicator
# without one is about the same within 5 percentage points (a proportion) or 5% of the earlier figure (a rate).
SMALLEST_CHANGE_IN_PROPORTION = 0.05
SMALLEST_RELATIVE_CHANGE_IN_RATE = 0.05
TREND_WORDS = ("rose", "fell", "about the same")


@dataclass(frozen=True)
class SummaryParagraph:
    """What one indicator (or several that share one reason for having no figure) says about the area."""

    indicator_ids: tuple[str, ...]
    title: str | None
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class SummarySection:
    """A domain's heading and its paragraphs; the first section (domain_id "") introduces the area."""

    domain_id: str
    heading: str
    paragraphs: tuple[SummaryParagraph, ...]

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(sentence for paragraph in self.paragraphs for sentence in paragraph.sentences)


@dataclass(frozen=True)
class _Wording:
    """How one indicator's plain_description is turned into a sentence about an area."""

    kind: str  # "proportion", "rate" or "other"
    template: str  # with {area} and {amount} or one of its forms; see _fit_sentence
    context: tuple[str, ...]  # sentences of the description to say first
    more: str
    less: str


def compute_natural_frequency(proportion: float) -> str:
    """A proportion (0 to 1) in words: 'none', 'about 1 in 4', 'about 97 in 100', 'almost all', 'all'.

    The rule: exactly 0 is 'none' and 1 (or more) is 'all'. The proportion is rounded to a whole
    percentage; 0% (but not none) is 'fewer than 1 in 100'; 1% to 4% and 95% to 99% are 'about N in 100'
    (so they can be set against a target such as 97 in 100); 100% (but not all) is 'almost all'. In
    between, the nearest simple fraction is used: tenths ('about 9 in 10', 'about half'), quarters
    ('about 1 in 4') and thirds ('about 1 in 3'), or twentieths ('about 1 in 20', 'about 17 in 20')
    when they are closer by more than a point.
    """
    if proportion is None or math.isnan(proportion):
        raise ValueError("There is no figure to put in words.")
    if proportion <= 0:
        return "none"
    if proportion >= 1:
        return "all"
    percent = math.floor(proportion * 100 + 0.5)
    if percent == 0:
        return "fewer than 1 in 100"
    if percent >= 100:
        return "almost all"
    if percent < 5 or percent >= 95:
        return f"about {percent} in 100"
    candidates = [(k / 10, "about half" if k == 5 else f"about {k} in 10", 0.0) for k in range(1, 10)]
    candidates += [(1 / 4, "about 1 in 4", 0.0), (3 / 4, "about 3 in 4", 0.0),
                   (1 / 3, "about 1 in 3", 0.0), (2 / 3, "about 2 in 3", 0.0)]
    candidates += [(k / 20, f"about {k} in 20", 0.01) for k in range(1, 20, 2)]
    # min() keeps the first of equals, so a tenth wins a tie.
    return min(candidates, key=lambda c: abs(proportion - c[0]) + c[2])[1]


def compute_rate_base(rates_per_person: Iterable[float]) -> int:
    """The smallest of 1,000, 10,000 and 100,000 people for which every positive rate counts at least 5."""
    positive = [r for r in rates_per_person if r is not None and not math.isnan(r) and r > 0]
    if not positive:
        return RATE_BASES[0]
    smallest = min(positive)
    for base in RATE_BASES:
        if smallest * base >= SMALLEST_COUNT_SHOWN:
            return base
    return RATE_BASES[-1]


def compute_same_within(definition, before: float) -> float:
    """How far a figure may move (in the indicator's unit) and still be "about the same" as `before`: the
    indicator's meaningful_difference, else 5 points for a proportion or 5% of `before` for anything else."""
    meaningful = float(getattr(definition, "meaningful_difference", 0) or 0)
    if meaningful > 0:
        return meaningful
    if _kind_of(definition) == "proportion":
        return SMALLEST_CHANGE_IN_PROPORTION * definition.multiplier
    return abs(before) * SMALLEST_RELATIVE_CHANGE_IN_RATE


def compute_trend_word(definition, before: float, after: float) -> str:
    """'rose', 'fell' or 'about the same', from the numbers (never from their rounded words): about the same
    when the change is smaller than compute_same_within."""
    change = after - before
    if abs(change) < compute_same_within(definition, before) or change == 0:
        return "about the same"
    return "rose" if change > 0 else "fell"


def compute_plain_definition(definition):
    """The indicator as the public pages show it: on its one number base (definition.plain_base, e.g. 'for every
    100,000 people'), the same in heading, sentences, chart and table. Values of the returned definition are the
    original ones times compute_plain_factor(definition)."""
    base = getattr(definition, "plain_base", definition.multiplier)
    if base == definition.multiplier:
        return definition
    factor = base / definition.multiplier
    unit = re.sub(r"\b[\d,]+\b", f"{base:,.0f}", definition.unit, count=1)
    decimals = max(0, definition.decimals - round(math.log10(factor)))
    target = definition.target
    if target is not None:
        target = dataclasses.replace(target, value=target.value * factor)
    return dataclasses.replace(definition, multiplier=base, unit=unit, decimals=decimals, plain_multiplier=0.0,
                               meaningful_difference=definition.meaningful_difference * factor, target=target)


def compute_plain_values(values: pd.DataFrame, definition) -> pd.DataFrame:
    """Tidy values put on the indicator's plain number base (compute_plain_definition); the same frame when the
    base is the multiplier."""
    factor = compute_plain_factor(definition)
    if factor == 1:
        return values
    return values.assign(**{column: values[column] * factor for column in ("value", "lower_95", "upper_95")})


def compute_plain_factor(definition) -> float:
    """What a value is multiplied by to put it on the indicator's plain number base (1 for most)."""
    return getattr(definition, "plain_base", definition.multiplier) / definition.multiplier


def compute_count_in_words(count: float) -> str:
    """A count as a plain whole number: 'about 6', 'about 45', 'about 230', 'no', 'fewer than 1'."""
    if count <= 0:
        return "no"
    if count < 0.5:
        return "fewer than 1"
    if count < 100:
        return f"about {math.floor(count + 0.5)}"
    digits = math.floor(math.log10(count)) - 1
    rounded = math.floor(count / 10 ** digits + 0.5) * 10 ** digits
    return f"about {rounded:,}"


def compute_area_summary(values_by_indicator: Mapping[str, pd.DataFrame], definitions: Iterable[Any],
                         domains: Mapping[str, Any], areas: AreaModel, *, area_code: str, area_level: str,
                         period: str, unavailable: Mapping[str, str] | None = None,
                         illustrative: bool = False) -> list[SummarySection]:
    """Short plain sentences about one STP or borough, one section per domain after an introduction.

    `areas` names the region and what its systems and places are called for the public, and counts them.

    `values_by_indicator` maps indicator id -> tidy table (docs/data-contract.md); an indicator missing
    from it has no figure, and says so with the sentence in `unavailable` (keyed by indicator id or by
    table name, as in dataset.yaml) when there is one. Each indicator uses its latest figure at or
    before `period`. Areas are named, practices never are.
    """
    unavailable = dict(unavailable or {})
    definitions = list(definitions)
    area_name = _find_area_name(values_by_indicator, area_code, area_level)
    place = _place_name(area_name)
    sections = [_introduce_area(areas, area_code, area_level, place, period, illustrative)]
    introduction = " ".join(sections[0].sentences)
    for domain_id, domain in domains.items():
        paragraphs: list[SummaryParagraph] = []
        change_told = False
        reasons: dict[str, list[str]] = {}
        for definition in (d for d in definitions if d.domain == domain_id):
            table = values_by_indicator.get(definition.id)
            if table is None:
                reason = _find_unavailable_reason(definition, unavailable, introduction)
                reasons.setdefault(reason, []).append(definition.id)
                continue
            sentences, current = _describe_indicator(definition, table, area_code, area_level, place, period,
                                                     areas.region.name)
            if not change_told and current is not None:
                change = _describe_change(definition, table, area_code, area_level, current)
                if change:
                    sentences.append(change)
                    change_told = True
            paragraphs.append(SummaryParagraph((definition.id,), definition.plain_name, tuple(sentences)))
        domain_size = sum(d.domain == domain_id for d in definitions)
        for reason, ids in reasons.items():
            # Several indicators missing for one stated reason (no public survey) get one paragraph. A
            # general sentence ("no figures for this") is only clear under the indicator's own title, or
            # for a whole domain under the domain's heading.
            general = reason == NO_FIGURE_YET or (reason == NO_PUBLIC_FIGURE and len(ids) < domain_size)
            groups = [[indicator_id] for indicator_id in ids] if general else [ids]
            for group in groups:
                title = next(d.plain_name for d in definitions if d.id == group[0]) if len(group) == 1 else None
                paragraphs.append(SummaryParagraph(tuple(group), title, (reason,)))
        if paragraphs:
            sections.append(SummarySection(domain_id, domain.plain_name, tuple(paragraphs)))
    return sections


def compute_summary_text(sections: Iterable[SummarySection]) -> str:
    """The whole summary as plain text: headings and titles on their own lines, then the sentences."""
    lines = []
    for section in sections:
        lines.append(section.heading)
        for paragraph in section.paragraphs:
            if paragraph.title:
                lines.append(paragraph.title)
            lines.append(" ".join(paragraph.sentences))
    return "\n".join(lines)


def compute_figures_in_words(definition, values: Iterable[float]) -> list[str]:
    """Each figure in words on one footing ('about 9 in 10', 'about 6 for every 10,000 people'), so a
    table of an area and the region over time reads the same way as the summary; a missing one is 'not shown'."""
    values = list(values)
    scale = _Scale(definition, values)
    words = []
    for value in values:
        if value is None or pd.isna(value):
            words.append("not shown")
        elif scale.kind == "rate":
            words.append(f"{scale.words(value)} {scale.for_every()}")
        else:
            words.append(scale.words(value))
    return words


def compute_chart_description(definition, table: pd.DataFrame, *, area_code: str, area_level: str,
                              period: str) -> str:
    """Plain sentences saying what a chart of one area and the region over time shows (up to `period`)."""
    area = _shown_rows(_area_rows(table, area_code, area_level), period)
    region_rows = _area_rows(table, REGION_LEVEL, REGION_LEVEL)
    region = f"{region_rows['area_name'].iloc[0] if len(region_rows) else 'the region'} as a whole"
    region_rows = _shown_rows(region_rows, period)
    place = _place_name(_find_area_name({definition.id: table}, area_code, area_level))
    if area.empty and region_rows.empty:
        return "The chart has no figures to show yet."
    periods = sorted(set(area["period"]) | set(region_rows["period"]))
    if len(periods) == 1:
        sentences = [f"The chart has one dot for {place} and one for {region}.",
                     f"They are for {format_period(periods[0])}."]
    else:
        sentences = [f"The chart has one line for {place} and one for {region}.",
                     f"They go from {format_period(periods[0])} to {format_period(periods[-1])}."]
    scale = _Scale(definition, [*area["value"], *region_rows["value"]])
    for where, rows in ((place, area), (region, region_rows)):
        sentences.append(_describe_line(scale, where, rows))
    if len(periods) > 1:
        sentences.append(_same_within_sentence(definition, scale))
    if area_level != REGION_LEVEL and not area.empty and area["lower_95"].notna().any():
        sentences.append(f"The shaded band shows the range where the true figure for {place} most likely lies.")
    if definition.target is not None:
        sentences.append("The dashed line shows the aim.")
    return " ".join(sentences)


def _shown_rows(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    rows = rows[(rows["period"] <= period) & rows["value"].notna()]
    if "suppressed" in rows.columns:
        rows = rows[~rows["suppressed"].astype(bool)]
    return rows.sort_values("period")


def _describe_line(scale: "_Scale", where: str, rows: pd.DataFrame) -> str:
    """'In Camden, it fell from about 64 to about 56 for every 100,000 people.': the word from the numbers."""
    if rows.empty:
        return f"There is no figure for {where}."
    unit = f" {scale.for_every()}" if scale.kind == "rate" else ""
    first, last = scale.words(rows["value"].iloc[0]), scale.words(rows["value"].iloc[-1])
    if len(rows) == 1:
        return f"In {where}, it was {first}{unit}."
    word = compute_trend_word(scale.definition, float(rows["value"].iloc[0]), float(rows["value"].iloc[-1]))
    if word == "about the same":
        return f"In {where}, it stayed about the same ({last}{unit})."
    if first == last:
        return f"In {where}, it {word} a little, to {last}{unit}."
    return f"In {where}, it {word} from {first} to {last}{unit}."


def _same_within_sentence(definition, scale: "_Scale") -> str:
    """The threshold behind 'about the same', in words (compute_same_within)."""
    meaningful = float(getattr(definition, "meaningful_difference", 0) or 0)
    if meaningful <= 0:
        if scale.kind == "proportion":
            return "We say about the same when it moved by less than 5 in 100."
        return "We say about the same when it moved by less than 1 in 20 of its first figure."
    if scale.kind == "proportion":
        amount = meaningful / definition.multiplier * 100
        unit = " in 100"
    elif scale.kind == "rate":
        amount = meaningful / definition.multiplier * scale.base
        unit = f" {scale.for_every()}"
    else:
        amount, unit = meaningful, ""
    if amount >= 1 and amount == int(amount):
        return f"We say about the same when it moved by less than {int(amount)}{unit}."
    return "We say about the same when the change is too small to matter."


def _find_area_name(values_by_indicator: Mapping[str, pd.DataFrame], area_code: str, area_level: str) -> str:
    for table in values_by_indicator.values():
        rows = table[(table["level"] == area_level) & (table["area_code"] == area_code)]
        if len(rows):
            return str(rows["area_name"].iloc[0])
    return area_code


def _place_name(area_name: str) -> str:
    return f"the {area_name}" if area_name.startswith("City of ") else area_name


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _introduce_area(areas: AreaModel, area_code, area_level, place, period, illustrative) -> SummarySection:
    """Where the area is: 'North Central London is one of the five local health and care partnerships in
    London.' or 'Camden is a borough in London, part of North Central London.'"""
    region = areas.region.name
    sentences = [f"This page is about family doctors (GPs) and their surgeries in {place}."]
    if area_level == "stp":
        count, names = areas.count("stp"), areas.system
        kind = names.plain_name if count == 1 else f"{format_count(count)} {names.plain_plural}"
        sentences.append(f"{_capitalise(place)} is {'the only' if count == 1 else 'one of the'} {kind} in {region}.")
        sentences.append("In each, health services and councils plan care together.")
    elif area_level == "borough":
        parent = next((area.parent_code for area in areas.places if area.code == area_code), "")
        stp_name = areas.names("stp").get(parent)
        sentences.append(f"{_capitalise(place)} is a {areas.place.plain_name} in {region}"
                         + (f", part of {stp_name}." if stp_name else "."))
    sentences.append(f"The figures are for {format_period(period)}, unless we say otherwise.")
    if illustrative:
        sentences.append("These figures are made up to show how the page works. They are not real.")
    return SummarySection("", "About this summary", (SummaryParagraph((), None, tuple(sentences)),))


def _find_unavailable_reason(definition, unavailable: Mapping[str, str], introduction: str = "") -> str:
    """The stated reason for having no figure, or a plain sentence when that reason is not plain enough.

    Reasons come from dataset.yaml, written by whoever prepared the data (often for specialists: "The
    imported NHS files do not ..."); the public summary must not let them bring in an unexplained
    acronym, a long sentence, a decimal number or a file name.
    """
    reason = next((unavailable[key] for key in (definition.id, definition.numerator.table,
                                                definition.denominator.table) if key in unavailable), None)
    if reason is None:
        return NO_FIGURE_YET
    return reason if _is_plain_reason(reason, introduction) else NO_PUBLIC_FIGURE


def _is_plain_reason(reason: str, introduction: str) -> bool:
    reason = " ".join(str(reason).split())
    if not reason:
        return False
    brought_in = set(find_unexplained_acronyms(f"{introduction} {reason}")) - set(find_unexplained_acronyms(introduction))
    if brought_in or find_decimal_numbers(reason) or _FILE_NAME.search(reason):
        return False
    return all(len(sentence.split()) <= READABLE_SENTENCE_WORDS for sentence in split_sentences(reason))


def _area_rows(table: pd.DataFrame, area_code: str, area_level: str) -> pd.DataFrame:
    if area_level == REGION_LEVEL:
        return table[table["level"] == REGION_LEVEL]
    return table[(table["level"] == area_level) & (table["area_code"] == area_code)]


def _latest_row(rows: pd.DataFrame, period: str) -> pd.Series | None:
    rows = rows[rows["period"] <= period].sort_values("period")
    return None if rows.empty else rows.iloc[-1]


def _has_value(row: pd.Series | None) -> bool:
    return row is not None and not bool(row.get("suppressed", False)) and not pd.isna(row["value"])


def _describe_indicator(definition, table, area_code, area_level, place, period,
                        region: str) -> tuple[list[str], Any]:
    """The sentences for one indicator, and the row they describe (None when there is no figure)."""
    wording = _read_wording(definition)
    row = _latest_row(_area_rows(table, area_code, area_level), period)
    if row is None:
        return [f"There is no figure for {place} yet."], None
    if not _has_value(row):
        return [f"In {place}, the numbers are too small to give a reliable figure."], None
    region_row = _latest_row(_area_rows(table, REGION_LEVEL, REGION_LEVEL), row["period"])
    region_row = region_row if _has_value(region_row) and area_level != REGION_LEVEL else None
    scale = _Scale(definition, [row["value"], region_row["value"] if region_row is not None else math.nan,
                                definition.target.value if definition.target else math.nan])
    sentences = list(wording.context)
    sentences.append(_fit_sentence(wording.template, place, scale.words(row["value"]), scale.base))
    if row["period"] != period:
        sentences.append(f"This figure is from {format_period(row['period'])}.")
    if definition.target is not None:  # whether the aim is met comes first, then the comparison with the region
        sentences.extend(_describe_target(definition, scale, row["value"], region))
    if area_level != REGION_LEVEL:
        sentences.append(_describe_comparison(definition, wording, scale, row, region_row, region))
    return [s for s in sentences if s], row


class _Scale:
    """Puts an indicator's values in words, on one footing for the area, the region and the target."""

    def __init__(self, definition, values: list[float]):
        self.definition = definition
        self.kind = _kind_of(definition)
        # One base per indicator (plain_multiplier, else its multiplier): never switched to suit the figures.
        self.base = int(getattr(definition, "plain_base", definition.multiplier)) if self.kind == "rate" else None

    def words(self, value: float) -> str:
        if self.kind == "proportion":
            return compute_natural_frequency(value / self.definition.multiplier)
        if self.kind == "rate":
            return compute_count_in_words(value / self.definition.multiplier * self.base)
        return compute_count_in_words(value)

    def change_is_small(self, before: float, after: float) -> bool:
        return compute_trend_word(self.definition, before, after) == "about the same"

    def for_every(self) -> str:
        return f"for every {self.base:,} people"


def _kind_of(definition) -> str:
    if definition.unit.strip() == "%":
        return "proportion"
    if "per " in definition.unit:
        return "rate"
    return "other"


def _read_wording(definition) -> _Wording:
    """Turn the plain_description into a sentence pattern; new indicators need no code, only a description
    in one of the forms 'How many ...', 'Out of the ..., how many ...', 'For every 1,000 people, how many
    ... there are ...', 'How many ... there are in each ...' (a count that is not per person), 'This shows how many ...', 'This shows how often ...' or (for a rate, after a
    sentence saying what is counted) 'This counts them for every 1,000 people.'"""
    kind = _kind_of(definition)
    description = " ".join(definition.plain_description.split())
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", description) if s.strip()]
    key_index = next((i for i, s in enumerate(sentences)
                      if re.search(r"\bhow (many|often)\b|^this counts ", s, re.IGNORECASE)), None)
    if key_index is None:
        return _fallback_wording(kind, sentences)
    context = tuple(sentences[:key_index])
    key = sentences[key_index].rstrip(".!? ")
    if kind == "proportion":
        if match := re.match(r"^Out of (?P<group>.+?), how many (?P<rest>.+)$", key, re.IGNORECASE):
            return _Wording(kind, f"In {{area}}, {{amount}} of {match['group']} {match['rest']}.", context,
                            "more", "fewer")
        if match := re.match(r"^(?:This shows )?how many (?P<rest>.+)$", key, re.IGNORECASE):
            return _Wording(kind, f"In {{area}}, {{amount_as_determiner}} {match['rest']}.", context,
                            "more", "fewer")
        if match := re.match(r"^(?:This shows )?how often (?P<rest>.+)$", key, re.IGNORECASE):
            return _Wording(kind, f"In {{area}}, {match['rest']} {{amount_as_times}}.", context,
                            "more often", "less often")
    if kind == "rate":
        pattern = (r"^(?:For every [\d,]+ (?P<who>\w+), )?how many (?P<things>.+?) there (?:are|is)"
                   r"(?P<tail>.*)$")
        if match := re.match(pattern, key, re.IGNORECASE):
            tail = match["tail"]
            if re.search(r"for every [\d,]+", tail):
                tail = re.sub(r"for every [\d,]+ (\w+)", r"{for_every_base} \1", tail)
            else:
                tail = f" {{for_every_base}} {match['who'] or 'people'}{tail}"
            return _Wording(kind, f"In {{area}}, there are {{amount}} {match['things']}{tail}.", context,
                            "more", "fewer")
        if match := re.match(r"^This counts (?:them|these|this) for every [\d,]+ (?P<who>\w+)(?P<tail>.*)$", key,
                             re.IGNORECASE):
            return _Wording(kind, f"In {{area}}, there are {{amount}} of them {{for_every_base}} {match['who']}"
                                  f"{match['tail']}.", context, "more", "fewer")
    # a count per something other than people, e.g. practices in each network
    if kind == "other" and (match := re.match(r"^how many (?P<things>.+?) there (?:are|is)(?P<tail>.*)$", key,
                                              re.IGNORECASE)):
        return _Wording(kind, f"In {{area}}, there are {{amount}} {match['things']}{match['tail']}.", context,
                        "more", "fewer")
    return _fallback_wording(kind, sentences)


def _fallback_wording(kind: str, sentences: list[str]) -> _Wording:
    if kind == "rate":
        template = "In {area}, the figure is {amount} {for_every_base} people."
    else:
        template = "In {area}, the figure is {amount}."
    return _Wording(kind, template, tuple(sentences), "higher", "lower")


def _fit_sentence(template: str, place: str, amount: str, base: int | None = None) -> str:
    fields = {
        "amount": "none" if amount == "no" and "figure is" in template else amount,
        "amount_as_determiner": "no" if amount == "none" else amount,
        "amount_as_times": {"none": "never", "all": "every time", "almost all": "almost every time"}.get(
            amount, f"{amount} times"),
        "for_every_base": f"for every {base:,}" if base else "for every 1,000",
    }
    sentence = _capitalise(template.format(area=place, **fields))
    if len(sentence.split()) > MAX_SENTENCE_WORDS:
        sentence = _capitalise(template.format(area="this area", **fields).replace("In this area, ", "Here, ", 1))
    return sentence


def _describe_comparison(definition, wording: _Wording, scale: _Scale, row, region_row, region: str) -> str:
    label = str(row.get("vs_region", "not compared") or "not compared")
    if label == "similar":
        return f"This is about the same as in {region} as a whole."
    higher = {("better", "higher_is_better"): True, ("worse", "higher_is_better"): False,
              ("better", "lower_is_better"): False, ("worse", "lower_is_better"): True,
              ("higher", "neither"): True, ("lower", "neither"): False}.get((label, definition.direction))
    if higher is None and label in ("higher", "lower"):
        higher = label == "higher"
    if higher is None:
        return f"We cannot say whether this is different from {region} as a whole."
    sentence = f"This is {wording.more if higher else wording.less} than in {region} as a whole"
    if region_row is not None:
        region_words = scale.words(region_row["value"])
        if region_words != scale.words(row["value"]):
            if scale.kind == "rate":
                region_words = f"{region_words} {scale.for_every()}"
            elif wording.more == "more often":
                region_words = f"{region_words} times"
            sentence += f" ({region_words})"
    return sentence + "."


def _describe_target(definition, scale: _Scale, value: float, region: str) -> list[str]:
    target = definition.target.value
    target_words = scale.words(target).removeprefix("about ")
    if scale.kind == "rate":
        target_words = f"{target_words} {scale.for_every()}"
    where = f"The aim for {region}" if region in (definition.target.source or "") else "The aim"
    sentences = [f"{where} is {target_words}."]
    if definition.direction not in ("higher_is_better", "lower_is_better"):
        return sentences
    reached = value >= target if definition.direction == "higher_is_better" else value <= target
    if reached:
        sentences.append("This area has reached the aim.")
    elif scale.words(value).removeprefix("about ") == scale.words(target).removeprefix("about "):
        sentences.append("This area is close to the aim, but has not quite reached it.")
    else:
        sentences.append("This area has not reached the aim yet.")
    return sentences


def _describe_change(definition, table, area_code, area_level, current) -> str | None:
    rows = _area_rows(table, area_code, area_level)
    rows = rows[(rows["period"] < current["period"]) & ~rows["suppressed"].astype(bool) & rows["value"].notna()]
    if rows.empty:
        return None
    first = rows.sort_values("period").iloc[0]
    scale = _Scale(definition, [first["value"], current["value"]])
    before, now = scale.words(first["value"]), scale.words(current["value"])
    when = format_period(first["period"])
    word = compute_trend_word(definition, float(first["value"]), float(current["value"]))
    if word == "about the same":
        return f"It has not changed much since {when}."
    if scale.kind == "rate":
        before = f"{before} {scale.for_every()}"
    direction = "up" if word == "rose" else "down"
    if before == now or before.startswith(f"{now} "):
        return f"This has gone {direction} a little since {when}."
    return f"This has gone {direction} since {when}, when it was {before}."
