"""Publication dates as NHS files write them (01JAN2021, 2021-01-01, 01/01/2021, 1-Jan-21, MAR2019) -> 'YYYY-MM-01'."""
import re
from collections.abc import Iterable
from datetime import date, datetime

TIME_OF_DAY = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
DATE_FORMATS = (
    "%d%b%Y",    # 01JAN2021 (gp-reg-pat-prac-all)
    "%Y-%m-%d",  # 2021-01-01
    "%d/%m/%Y",  # 01/01/2021 (payments open and close dates)
    "%d-%b-%y",  # 1-Jan-21, 01-Sep-20 (gp-reg-pat-prac-map)
    "%d-%b-%Y",  # 01-Sep-2020
    "%d %b %Y",  # 1 Sep 2020
    "%d %B %Y",  # 1 September 2020
    "%Y%m%d",    # 20210101
    "%b%Y",      # MAR2019 (Appointments in General Practice: a month, no day)
)


EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # a period outside these years is a typo, not data


def read_date(text: str, *, earliest_year: int = EARLIEST_YEAR) -> date:
    """The date written in `text` in any of DATE_FORMATS; a time after it is ignored.

    Raises ValueError naming the text when no format fits or the year is before `earliest_year` or after
    LATEST_YEAR (a practice's open date may be as old as 1948: pass earliest_year=1900 for those).
    """
    cleaned = text.strip()
    cleaned = TIME_OF_DAY.sub("", cleaned)  # '2021-01-01 00:00:00', '2021-01-01T00:00'
    for pattern in DATE_FORMATS:
        try:
            found = datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if not earliest_year <= found.year <= LATEST_YEAR:
            raise ValueError(f"'{text.strip()}' is outside the years {earliest_year} to {LATEST_YEAR}")
        return found
    raise ValueError(f"'{text.strip()}' is not a date this importer can read (e.g. 01JAN2021, 2021-01-01, "
                     "01/01/2021 or 1-Jan-21)")


def read_period(text: str) -> str:
    """The first day of the month the date falls in, as 'YYYY-MM-DD' (the app's `period`)."""
    return read_date(text).replace(day=1).isoformat()


def months_between(first: str, second: str) -> int:
    """Whole months between two 'YYYY-MM-DD' periods, never negative."""
    a, b = date.fromisoformat(first), date.fromisoformat(second)
    return abs((a.year - b.year) * 12 + a.month - b.month)


def find_nearest_period(available: Iterable[str], period: str) -> str:
    """The period of `available` closest to `period` (the later one when two are as close)."""
    return min(available, key=lambda p: (months_between(p, period), p < period))


def describe_month(period: str) -> str:
    """'2021-01-01' -> '2021-01' as the report names a publication."""
    return period[:7]
