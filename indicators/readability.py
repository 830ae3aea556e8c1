"""Plain-language checks: reading grade, unexplained acronyms, long sentences and decimal numbers."""
import re
from dataclasses import dataclass

from indicators.glossary import compute_acronym_expansions

MAX_READING_GRADE = 8.0
MAX_SENTENCE_WORDS = 25

# textstat counts English syllables with the CMU dictionary, which it downloads on first use; that
# needs the internet. A language code that is not rooted at "en" (it splits on "_") makes textstat use
# its offline Pyphen hyphenation dictionary instead, the same on every machine.
_TEXTSTAT_LANGUAGE = "en-GB"

_ACRONYM = re.compile(r"\b([A-Z]{2,})(?:s|'s)?\b")
_DECIMAL_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*\.\d+")
_CLOCK_TIME = re.compile(r"^\d{1,2}\.\d{2}$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_SMALL_WORDS = {"and", "of", "the", "for", "to", "in", "on", "at", "&", "a", "an"}


@dataclass(frozen=True)
class PlainLanguageProblem:
    """One thing that makes a text harder to read; `kind` is reading_grade, acronym, long_sentence or
    decimal_number, `message` a plain sentence and `excerpt` the words concerned."""

    kind: str
    message: str
    excerpt: str = ""

    def __str__(self) -> str:
        return self.message


def compute_reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of the text (school year in the US; 8 is a reading age of 13 to 14).

    Counted by textstat with its offline Pyphen syllable counts, so no download is ever attempted. textstat is
    imported here, not with the module: it takes ~75 MB, and the pages use only this module's other checks.
    """
    from textstat.textstat import textstatistics

    if not text.strip():
        return 0.0
    statistics = textstatistics()
    statistics.set_lang(_TEXTSTAT_LANGUAGE)
    return float(statistics.flesch_kincaid_grade(text))


def split_sentences(text: str) -> list[str]:
    """The sentences of a text: split after . ! or ? followed by a capital or digit, and at line breaks."""
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def count_words(sentence: str) -> int:
    return len(re.findall(r"[\w][\w'’,.-]*", sentence))


def find_decimal_numbers(text: str) -> list[str]:
    """Numbers written with a decimal point ('97.3', '0.58'); clock times such as '6.30pm' are fine."""
    found = []
    for match in _DECIMAL_NUMBER.finditer(text):
        number = match.group(0)
        after = text[match.end():match.end() + 3].lower().lstrip()
        if _CLOCK_TIME.match(number) and after.startswith(("am", "pm")):
            continue
        found.append(number)
    return found


def find_unexplained_acronyms(text: str, expansions: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Acronyms (two or more capital letters, like GP, NHS, STP) whose first use is not explained.

    A use is explained when the acronym sits in brackets right after its expansion - "Sustainability
    and Transformation Partnership (STP)", "family doctors (GPs)" - or is followed by its expansion in
    brackets - "STP (Sustainability and Transformation Partnership)". The expansion is either the
    words whose initials spell the acronym or, from the glossary, its full name or a plain alias. Later
    uses of an explained acronym are fine. Each acronym is listed once, in order of first use.
    """
    expansions = compute_acronym_expansions() if expansions is None else expansions
    explained: set[str] = set()
    unexplained: list[str] = []
    for match in _ACRONYM.finditer(text):
        acronym = match.group(1)
        if acronym in explained or acronym in unexplained:
            continue
        if _is_explained_here(text, match, acronym, expansions.get(acronym, ())):
            explained.add(acronym)
        else:
            unexplained.append(acronym)
    return unexplained


def _is_explained_here(text: str, match: re.Match, acronym: str, known: tuple[str, ...]) -> bool:
    before, after = text[:match.start()], text[match.end():]
    if before.endswith("(") and after.startswith(")"):
        preceding = before[:-1].rstrip()
        return _ends_with_expansion(preceding, acronym, known)
    following = re.match(r"\s*\(([^()]*)\)", after)
    if following:
        return _is_expansion(following.group(1), acronym, known)
    return False


def _ends_with_expansion(preceding: str, acronym: str, known: tuple[str, ...]) -> bool:
    lowered = preceding.lower()
    for words in known:
        words = words.lower()
        if lowered.endswith((words, words + "s", words + "es")):
            return True
    initials = []
    for word in reversed(re.findall(r"[A-Za-z][A-Za-z'-]*", preceding)):
        if word.lower() in _SMALL_WORDS and initials:
            continue
        initials.insert(0, word[0].upper())
        if len(initials) == len(acronym):
            break
    return "".join(initials) == acronym


def _is_expansion(words: str, acronym: str, known: tuple[str, ...]) -> bool:
    cleaned = words.strip().lower()
    if any(cleaned in (k.lower(), k.lower() + "s") for k in known):
        return True
    initials = [w[0].upper() for w in re.findall(r"[A-Za-z][A-Za-z'-]*", words) if w.lower() not in _SMALL_WORDS]
    return "".join(initials) == acronym


def check_plain_language(text: str, *, max_grade: float = MAX_READING_GRADE,
                         max_sentence_words: int = MAX_SENTENCE_WORDS) -> list[PlainLanguageProblem]:
    """Everything that breaks the plain-language rules; an empty list means the text passes."""
    problems = []
    grade = compute_reading_grade(text)
    if grade > max_grade:
        problems.append(PlainLanguageProblem(
            "reading_grade", f"The reading grade is {grade:.1f}; it should be {max_grade:g} or lower."))
    for acronym in find_unexplained_acronyms(text):
        problems.append(PlainLanguageProblem(
            "acronym", f"'{acronym}' is used before it is explained.", acronym))
    for sentence in split_sentences(text):
        words = count_words(sentence)
        if words > max_sentence_words:
            problems.append(PlainLanguageProblem(
                "long_sentence", f"A sentence has {words} words (more than {max_sentence_words}): {sentence}",
                sentence))
    for number in find_decimal_numbers(text):
        problems.append(PlainLanguageProblem(
            "decimal_number", f"The number {number} has decimals; use a whole number or words.", number))
    return problems
