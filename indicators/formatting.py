"""How figures, periods and comparisons are written everywhere: '97.3%', '0.58 per 1,000 patients', 'January 2021',
'Better than London'. One formatter each, so a page, a chart, a slide and the PDF never disagree."""
import math
from datetime import date, datetime

NOT_SHOWN = "not shown"
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
STATUS_TEXT = {"better": "better", "similar": "similar", "worse": "worse", "higher": "higher", "lower": "lower"}


def format_value(value: object, *, decimals: int, unit: str = "", with_unit: bool = True) -> str:
    """A figure with its decimals and unit: '97.3%', '0.58 per 1,000 patients'; 'not shown' when missing.

    The unit follows a space, except '%'.
    """
    number = _as_number(value)
    if number is None:
        return NOT_SHOWN
    text = f"{number:,.{decimals}f}"
    if not with_unit or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_count(count: int) -> str:
    """A count as a reader expects it in a sentence: 'five' up to ten, then '42', '1,250'."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else f"{count:,}"


def format_interval(lower: object, upper: object, *, decimals: int) -> str:
    """A 95% confidence interval as '96.8 to 97.4'; '' when either end is missing."""
    low, high = _as_number(lower), _as_number(upper)
    if low is None or high is None:
        return ""
    return f"{low:,.{decimals}f} to {high:,.{decimals}f}"


def format_change(change: float, *, decimals: int, unit: str = "") -> str:
    """A change with its sign: '+1.2 points' for a percentage, '-0.05' otherwise."""
    return f"{change:+,.{decimals}f}" + (" points" if unit == "%" else "")


def format_period(period: object, *, short: bool = False) -> str:
    """The month a period describes: '2021-01-01' -> 'January 2021' ('Jan 2021' when short).

    Accepts ISO text, a date or a timestamp; '' when there is no period; other text is returned as it is.
    """
    if period is None or (isinstance(period, float) and math.isnan(period)):
        return ""
    if isinstance(period, (date, datetime)):
        when = period
    else:
        text = str(period).strip()
        try:
            when = date.fromisoformat(text[:10])
        except ValueError:
            return text
    return when.strftime("%b %Y" if short else "%B %Y")


def format_status(status: object, benchmark_name: str) -> str:
    """A comparison as a phrase: 'Better than London', 'Similar to London', 'Not compared'."""
    text = STATUS_TEXT.get(str(status).strip().lower())
    if text is None:
        return "Not compared"
    if text == "similar":
        return f"Similar to {benchmark_name}"
    return f"{text.capitalize()} than {benchmark_name}"


def capitalise(text: str) -> str:
    """The first letter upper-case, the rest as it is: 'the 42 STPs' -> 'The 42 STPs'."""
    return text[:1].upper() + text[1:]


def _as_number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
