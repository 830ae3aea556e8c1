"""Values read from the page address (?stp=..., ?slide=3, ?table=...): checked against what the page can show,
never trusted, and never repeated on the page, so a link cannot put its own text, links or pictures on screen.
A value that cannot be used falls back to a default with a plain notice saying so."""
import streamlit as st

from components.layout import escape_markdown

MAX_NUMBER_DIGITS = 6  # no page counts past a million; int() of thousands of digits is slow, then refused


def read_url_text(key: str) -> str | None:
    """The parameter's text (the last one when it is given twice), or None when it is absent or blank."""
    value = st.query_params.get(key)
    return value if isinstance(value, str) and value.strip() else None


def parse_whole_number(text: str | None, minimum: int, maximum: int) -> int | None:
    """A number written with the digits 0-9 only ('²', '-1', '1e3', '３' and 5,000 digits are refused), or None."""
    if text is None:
        return None
    text = text.strip()
    if not 0 < len(text) <= MAX_NUMBER_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def render_fallback_notice(what: str, shown: str | None = None) -> None:
    """Say that the link's `what` (e.g. "borough") could not be used and what is shown instead (from the data,
    escaped); the link's own text is not repeated."""
    instead = f" Showing {escape_markdown(shown)} instead." if shown else ""
    st.warning(f"The link's {what} is not one this page can show.{instead}", icon="🔗")


def choose_from_url(key: str, options: list[str], fallback: str | None) -> tuple[str | None, bool]:
    """(the option the URL names, else `fallback`; True when the URL named something that is not an option)."""
    wanted = read_url_text(key)
    if wanted in options:
        return wanted, False
    return fallback, wanted is not None
