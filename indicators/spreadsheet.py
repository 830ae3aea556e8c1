"""CSV text that a spreadsheet opens safely, for every download: the forum's answers and the dashboard's tables.

A typed or imported "=HYPERLINK(...)" stays text, and a line break stays in its cell.
"""
import csv

import pandas as pd

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, for some importers).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with ' (shown as text); anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_spreadsheet_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text: formulas neutralised in text cells (numbers are left alone, so -1 stays a number),
    CRLF line ends (RFC 4180), and every cell holding a CR or LF quoted, so it cannot start a new row."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(column)) for column in safe.columns]
    # csv quotes a field holding any character of the line terminator: with "\r\n" that is both CR and LF.
    return safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
