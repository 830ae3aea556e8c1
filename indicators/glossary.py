"""Glossary of the NHS terms the dashboard uses, each explained in short plain sentences.

A few explanations name the data's own areas ({region}, {stp_count}, {stp_names}, {place_count},
{place_plural}); compute_glossary fills them in from the area model.
"""
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from indicators.areas import AreaModel
from indicators.formatting import format_count

MOST_NAMES_LISTED = 10  # the STP entry names the region's partnerships when there are no more than this


@dataclass(frozen=True)
class GlossaryEntry:
    """One term. `full_name` is what an acronym stands for; `aliases` are plain words that explain it too
    ("family doctor" for GP), so "family doctors (GPs)" counts as explaining the acronym."""

    term: str
    explanation: str
    full_name: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The term as the glossary shows it, an acronym after its full name: 'Organisation Data Service
        (ODS) code', 'General practitioner (GP)'."""
        if not self.full_name or not self.is_acronym:
            return self.term
        acronym, _, rest = self.term.partition(" ")
        full_name = self.full_name[:1].upper() + self.full_name[1:]
        return f"{full_name} ({acronym}) {rest}".rstrip()

    @property
    def is_acronym(self) -> bool:
        first_word = self.term.split()[0]
        return len(first_word) >= 2 and first_word.isupper()


GLOSSARY: tuple[GlossaryEntry, ...] = (
    GlossaryEntry(
        "at scale",
        "Surgeries working together in bigger groups. They share staff, services and ideas.",
    ),
    GlossaryEntry(
        "benchmark",
        "The figure an area is compared with. On this dashboard it is {region} as a whole, or the "
        "partnership the area is in.",
    ),
    GlossaryEntry(
        "borough",
        "A local council area of a city. On this dashboard {region} has {place_count} {place_plural}.",
    ),
    GlossaryEntry(
        "CCG",
        "A local body that planned and paid for most health care in one area, often one borough. "
        "In 2022 the work moved to Integrated Care Boards.",
        full_name="Clinical Commissioning Group",
    ),
    GlossaryEntry(
        "Clinical Senate",
        "A group of doctors, nurses, other health staff and patients. It gives advice on how to "
        "improve care in its region.",
    ),
    GlossaryEntry(
        "confidence interval",
        "The range where the true figure most likely lies. Small numbers give wide ranges. We use a "
        "95% range: it holds the true figure 95 times in 100.",
        aliases=("CI",),  # "95% CI" in the charts' hover text
    ),
    GlossaryEntry(
        "deprivation",
        "How poor an area is, measured by income, jobs, health, housing and more. Areas are put in "
        "10 groups, from 1 (most deprived) to 10 (least deprived).",
    ),
    GlossaryEntry(
        "direct patient care",
        "Staff who see and treat patients but are not family doctors or practice nurses. Examples are "
        "pharmacists, physiotherapists, paramedics and healthcare assistants.",
    ),
    GlossaryEntry(
        "extended access",
        "Appointments with a family doctor or nurse from 8am to 8pm, 7 days a week. They are often at "
        "a shared hub, not your own surgery.",
        aliases=("improved access",),
    ),
    GlossaryEntry(
        "extended hours",
        "Extra opening times that a surgery offers its own patients. These are before 8am, after "
        "6.30pm or on Saturdays. The surgery is paid extra for this.",
    ),
    GlossaryEntry(
        "federation",
        "A group of surgeries, usually across one borough, that work together. They may run shared "
        "services, such as evening and weekend appointments.",
    ),
    GlossaryEntry(
        "FTE",
        "A way of counting staff. Two people who each work half the week count as one full-time "
        "person.",
        full_name="full-time equivalent",
        aliases=("whole-time equivalent",),
    ),
    GlossaryEntry(
        "funnel plot",
        "A chart that shows each area's figure against its size. Lines show how far a figure can "
        "stray by chance. Small areas stray more.",
    ),
    GlossaryEntry(
        "GP",
        "A family doctor. GPs work in surgeries and are the first doctor most people see.",
        full_name="general practitioner",
        aliases=("family doctor",),
    ),
    GlossaryEntry(
        "General Practice Forward View",
        "A national plan from 2016 to support family doctors. It set the aim of evening and weekend "
        "appointments for everyone.",
    ),
    GlossaryEntry(
        "ICS",
        "Health services, councils and others in one area working together to plan care. In 2022 "
        "they took over from the partnerships that came before them.",
        full_name="Integrated Care System",
    ),
    GlossaryEntry(
        "link worker",
        "See social prescribing link worker.",
    ),
    GlossaryEntry(
        "list size",
        "The number of people registered with a surgery or network.",
    ),
    GlossaryEntry(
        "LMC",
        "A group that speaks for local family doctors.",
        full_name="Local Medical Committee",
    ),
    GlossaryEntry(
        "maturity matrix",
        "A checklist that a network of surgeries uses to mark its own progress. Each area of work is "
        "marked from 1 (not started) to 5 (fully in place).",
    ),
    GlossaryEntry(
        "NHS",
        "The health service for everyone in the United Kingdom. Most care is free when you need it.",
        full_name="National Health Service",
    ),
    GlossaryEntry(
        "NHS Digital",
        "The part of the health service that published health data. Many figures here come from it.",
    ),
    GlossaryEntry(
        "NHS England",
        "The body that leads the health service in England and pays for family doctor services.",
    ),
    GlossaryEntry(
        "ODS code",
        "A short code that names each surgery, network and health body, such as F84001 for a "
        "surgery. It helps to find the same place in different data.",
        full_name="Organisation Data Service",
    ),
    GlossaryEntry(
        "PCN",
        "A group of nearby surgeries that work together and share some staff. Most care for 30,000 "
        "to 50,000 people.",
        full_name="Primary Care Network",
        aliases=("network of surgeries", "network"),
    ),
    GlossaryEntry(
        "peer group",
        "Surgeries that are alike in some way, such as size or how poor their area is. Comparing with "
        "them is fairer.",
    ),
    GlossaryEntry(
        "per 1,000 patients",
        "For every 1,000 people registered. This lets big and small areas be compared fairly.",
    ),
    GlossaryEntry(
        "practice",
        "A GP surgery: the family doctors, nurses and other staff who look after the people "
        "registered with them.",
        aliases=("surgery", "GP surgery"),
    ),
    GlossaryEntry(
        "practice manager",
        "The person who runs the business side of a surgery.",
    ),
    GlossaryEntry(
        "primary care",
        "The care you get first, close to home. It includes family doctors, nurses, pharmacies, "
        "dentists and opticians.",
    ),
    GlossaryEntry(
        "registered patients",
        "The people signed up with a surgery. Everyone in England can register with one.",
    ),
    GlossaryEntry(
        "shared care record",
        "A safe way for family doctors, hospitals and other services to see the same health record. "
        "You do not have to repeat your story each time.",
    ),
    GlossaryEntry(
        "social prescribing link worker",
        "A person who helps you find local support, like clubs, advice or exercise groups. They work "
        "with surgeries.",
    ),
    GlossaryEntry(
        "spine chart",
        "A chart that shows one place against its wider areas on many measures at once.",
    ),
    GlossaryEntry(
        "STP",
        "The health service, councils and others in one area, planning health care together. "
        "{region} has {stp_count}{stp_names}.",
        full_name="Sustainability and Transformation Partnership",
    ),
    GlossaryEntry(
        "super-practice",
        "A very large surgery, often made by several surgeries joining together.",
    ),
    GlossaryEntry(
        "suppressed",
        "Not shown, because the numbers are too small to be reliable or could identify someone.",
    ),
    GlossaryEntry(
        "target",
        "A figure that the health service has said it aims to reach.",
    ),
    GlossaryEntry(
        "vision",
        "The local plan for how surgeries will work together in future.",
    ),
    GlossaryEntry(
        "workforce",
        "All the staff who work in surgeries: family doctors, nurses, other health staff and office "
        "staff.",
    ),
)


def compute_glossary(areas: AreaModel) -> tuple[GlossaryEntry, ...]:
    """The glossary with the data's own areas named: '{region} has five: North Central London, ...'."""
    stp_names = list(areas.names("stp").values())
    facts = {
        "region": areas.region.name, "stp_count": format_count(len(stp_names)),
        "stp_names": f": {', '.join(stp_names)}" if 0 < len(stp_names) <= MOST_NAMES_LISTED else "",
        "place_count": format_count(areas.count("borough")), "place_plural": areas.place.plural,
    }
    return tuple(replace(entry, explanation=entry.explanation.format(**facts)) if "{" in entry.explanation else entry
                 for entry in GLOSSARY)


def find_glossary_entry(term: str) -> GlossaryEntry | None:
    """The entry for a term or acronym, ignoring case and a plural 's'; None if it is not in the glossary."""
    wanted = term.strip().lower()
    for entry in GLOSSARY:
        names = {entry.term.lower(), *(alias.lower() for alias in entry.aliases)}
        if entry.full_name:
            names.add(entry.full_name.lower())
        if wanted in names or wanted.removesuffix("s") in names:
            return entry
    return None


def compute_acronym_expansions() -> dict[str, tuple[str, ...]]:
    """Acronym -> the words that explain it (full name and plain aliases), from the glossary."""
    expansions: dict[str, tuple[str, ...]] = {}
    for entry in GLOSSARY:
        if entry.is_acronym:
            acronym = entry.term.split()[0]
            words = tuple(w for w in (entry.full_name, *entry.aliases) if w)
            expansions[acronym] = expansions.get(acronym, ()) + words
    return expansions


def find_glossary_entries(query: str, entries: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    """Glossary entries with a word starting with the query (any case) in their term, full name, other names
    or explanation ("fte" finds FTE, not "often"); entries matching by name come first. An empty query
    gives every entry."""
    wanted = " ".join(query.split())
    if not wanted:
        return list(entries)
    pattern = re.compile(r"(?<!\w)" + re.escape(wanted), re.IGNORECASE)

    def names(entry: GlossaryEntry) -> str:
        return " | ".join([entry.term, entry.heading, entry.full_name or "", *entry.aliases])

    by_name = [entry for entry in entries if pattern.search(names(entry))]
    by_text = [entry for entry in entries if entry not in by_name and pattern.search(entry.explanation)]
    return by_name + by_text


def compute_glossary_table(entries: list[GlossaryEntry]) -> pd.DataFrame:
    return pd.DataFrame({
        "Term": [entry.heading for entry in entries],
        "Also called": [", ".join(entry.aliases) for entry in entries],
        "What it means": [entry.explanation for entry in entries],
    })
