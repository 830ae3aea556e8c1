"""Change points: dates from which a trend's SPC process limits are worked out afresh (config.yaml)."""
from dataclasses import dataclass
from datetime import date
from typing import Any

from indicators.errors import ConfigError


@dataclass(frozen=True)
class ChangePoint:
    """A date from which a trend's SPC process limits are worked out afresh, and why (e.g. COVID-19).

    `period` is an ISO date (YYYY-MM-DD, the first of a month): the first period on or after it starts a new
    segment. `reason` is a few plain words that follow "because of" ("the COVID-19 pandemic").
    """

    period: str
    reason: str


CHANGE_POINT_FIELDS = ("period", "reason")


def parse_change_points(raw: Any, where: str = "change_points") -> tuple[ChangePoint, ...]:
    """A config `change_points` list as ChangePoints in date order; ConfigError naming the entry and field.

    Each entry is a mapping with `period` (a date, or text YYYY-MM or YYYY-MM-DD, from 1990 to 2100; a day
    other than the 1st is moved to the 1st of its month) and `reason` (text).
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be a list of entries with a period and a reason.")
    points: dict[str, ChangePoint] = {}
    for position, entry in enumerate(raw, start=1):
        here = f"{where}, entry {position}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{here}: each change point needs a period (YYYY-MM-DD) and a reason.")
        unknown = sorted(str(key) for key in set(entry) - set(CHANGE_POINT_FIELDS))
        if unknown:
            raise ConfigError(f"{here}: the field '{unknown[0]}' is not known; use period and reason.")
        missing = [name for name in CHANGE_POINT_FIELDS if name not in entry]
        if missing:
            raise ConfigError(f"{here}: the field '{missing[0]}' is missing.")
        period = _read_month(entry["period"])
        if period is None:
            raise ConfigError(f"{here}: period must be a date such as 2020-03-01 from 1990 to 2100, "
                              f"not {entry['period']!r}.")
        reason = entry["reason"]
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{here}: reason must be a few words of text, e.g. the COVID-19 pandemic.")
        if period in points:
            raise ConfigError(f"{here}: {period} is given twice.")
        points[period] = ChangePoint(period, reason.strip())
    return tuple(points[period] for period in sorted(points))


def _read_month(value: Any) -> str | None:
    """A date, or text YYYY-MM / YYYY-MM-DD, as the ISO date of the first of its month; None if it is not one."""
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            day = date.fromisoformat(text + "-01" if len(text) == 7 else text)
        except ValueError:
            return None
    else:
        return None
    if not 1990 <= day.year <= 2100:
        return None
    return day.replace(day=1).isoformat()
