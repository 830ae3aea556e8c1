"""Numbers as publishers write them: '16932.8', '1,234', '£1,234.50', '(12.50)' for a negative, '*' when suppressed."""
import math

NOT_PUBLISHED = frozenset({"", "*", "-", "..", ":", "x", "null", "n/a", "na"})


def read_number(text: str) -> float | None:
    """The number in `text`; None when blank or marked as not published.

    Raises ValueError saying 'not a number' or, for inf, nan and 1e309, 'not a finite number'.
    """
    cleaned = text.strip()
    if cleaned.casefold() in NOT_PUBLISHED:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
    cleaned = cleaned.replace(",", "").replace("£", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return -value if negative else value


def read_figure(text: str, *, whole: bool = False) -> tuple[float | None, str]:
    """(the number, '') for a figure of 0 or more (a whole number when `whole`), else (None, why not).

    The reason completes a sentence naming the column: 'is not a number', 'is blank or not published',
    'is negative', 'is not a whole number'.
    """
    try:
        value = read_number(text)
    except ValueError:
        return None, "is not a number"
    if value is None:
        return None, "is blank or not published"
    if value < 0:
        return None, "is negative"
    if whole and value != int(value):
        return None, "is not a whole number"
    return value, ""


def format_number(value: float, decimals: int) -> str:
    """Written without trailing zeros: 12.5, 3, 0.333333."""
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
