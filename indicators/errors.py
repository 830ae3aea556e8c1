"""Problems found in the config or the data, worded for the person who has to fix the file."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file: which file, row, field and indicator, and what to do."""

    source: str
    message: str
    row: int | None = None
    field: str | None = None
    indicator: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.indicator:
            where.append(f"indicator '{self.indicator}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


class AtscaleError(Exception):
    """Base class: the message is shown to the user as it is."""


class ConfigError(AtscaleError):
    """The config file cannot be used at all (missing, not YAML, not a mapping)."""


class IndicatorUnavailable(AtscaleError):
    """The indicator's table is not in the data (missing file or not published); the message says why."""
