"""The import report: per file, rows read, kept and dropped, each dropped row counted under a reason."""
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 3
ALL_OUTPUTS = "*"  # a row dropped before it reached any output table (e.g. outside London)


@dataclass(frozen=True)
class DroppedRows:
    reason: str
    count: int
    examples: tuple[str, ...]  # 'row 12: E87005 payment -1303.82'


@dataclass(frozen=True)
class OutputTally:
    """What one input file gave one output file: rows kept and rows dropped for that output only."""

    output: str
    kept: int
    dropped: tuple[DroppedRows, ...]


@dataclass(frozen=True)
class FileReport:
    name: str
    path: str
    format: str  # plain description of the detected format; '' when the file could not be read
    rows_read: int
    dropped: tuple[DroppedRows, ...]  # dropped for every output
    outputs: tuple[OutputTally, ...]
    notes: tuple[str, ...]
    error: str | None = None  # the file could not be imported at all
    row_errors: tuple[str, ...] = ()  # bad values: 'row 5, field FTE: FTE is not a finite number ('inf') ...'

    @property
    def dropped_count(self) -> int:
        return sum(d.count for d in self.dropped)


@dataclass(frozen=True)
class ImportReport:
    files: tuple[FileReport, ...]
    written: tuple[tuple[str, int], ...]  # (file name, size in bytes)
    notes: tuple[str, ...]  # about the dataset as a whole (periods aligned, practices not placed ...)

    @property
    def failed(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.error)

    @property
    def error_lines(self) -> tuple[str, ...]:
        """One line per file that failed and per kind of bad value, each naming the file (and row and field)."""
        lines = []
        for file in self.files:
            if file.error:
                lines.append(file.error)
            lines.extend(f"{file.path}: {error}" for error in file.row_errors)
        return tuple(lines)


@dataclass
class RowLedger:
    """Counts one input file's rows while they are read and assembled (mutable until `build_report`)."""

    name: str
    path: str
    format: str = ""
    rows_read: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, dict[str, list]] = field(default_factory=dict)  # output -> reason -> [count, examples]
    notes: list[str] = field(default_factory=list)
    errors: dict[tuple[str, str], list] = field(default_factory=dict)  # (field, reason) -> [first row, count, example]

    def drop(self, reason: str, row: int, example: str = "", output: str = ALL_OUTPUTS, *,
             error_field: str | None = None) -> None:
        """Count one dropped row under `reason`; the first few are kept as examples with their row number.

        `error_field` marks a bad value (not a number, an unreadable date ...), not an ordinary exclusion: the
        import then ends with an error line naming the file, row and field, and exit status 1.
        """
        tally = self.dropped.setdefault(output, {}).setdefault(reason, [0, []])
        tally[0] += 1
        if len(tally[1]) < EXAMPLES_PER_REASON:
            tally[1].append(f"row {row}: {example}" if example else f"row {row}")
        if error_field is not None:
            self.note_error(reason + (f" ({example})" if example else ""), row, error_field, counted=reason)

    def note_error(self, reason: str, row: int, column: str | None, *, counted: str | None = None) -> None:
        """A bad value in `row`, `column`; rows with the same problem are counted on the first one's line."""
        entry = self.errors.setdefault((column or "", counted or reason), [row, 0, reason])
        entry[1] += 1

    def drop_malformed(self, reason: str, row: int) -> None:
        """A row the CSV reader could not split into the header's columns (or cut short): read, and dropped."""
        self.rows_read += 1
        self.drop(reason, row)
        self.note_error(reason, row, None)

    def keep(self, output: str, count: int = 1) -> None:
        self.kept[output] = self.kept.get(output, 0) + count

    def add_output(self, output: str) -> None:
        self.kept.setdefault(output, 0)

    def unkeep(self, output: str, count: int = 1) -> None:
        """A row counted as kept was dropped later, when the files were put together."""
        self.kept[output] -= count

    def note(self, text: str) -> None:
        self.notes.append(text)

    def build_report(self, error: str | None = None) -> FileReport:
        def rows(reasons: dict[str, list]) -> tuple[DroppedRows, ...]:
            ordered = sorted(reasons.items(), key=lambda item: -item[1][0])
            return tuple(DroppedRows(reason, count, tuple(examples)) for reason, (count, examples) in ordered)

        outputs = tuple(
            OutputTally(output, kept, rows(self.dropped.get(output, {})))
            for output, kept in sorted(self.kept.items())
        )
        row_errors = tuple(
            f"row {first}" + (f", field '{column}'" if column else "") + f": {example}"
            + (f" (and {count - 1:,} more row{'s' if count > 2 else ''} like it)" if count > 1 else "")
            for (column, _), (first, count, example) in self.errors.items())
        return FileReport(self.name, self.path, self.format, self.rows_read, rows(self.dropped.get(ALL_OUTPUTS, {})),
                          outputs, tuple(self.notes), error, row_errors)


def format_report(report: ImportReport) -> str:
    """The report as plain text for the terminal."""
    lines: list[str] = []
    for file in report.files:
        lines.append(f"{file.name}")
        if file.error:
            lines.append(f"  NOT IMPORTED: {file.error}")
            lines.append("")
            continue
        lines.append(f"  format: {file.format}")
        lines.append(f"  rows read: {file.rows_read:,}")
        if file.dropped:
            lines.append(f"  dropped before any output: {file.dropped_count:,}")
            lines.extend(_format_dropped(file.dropped, "    "))
        for output in file.outputs:
            dropped = sum(d.count for d in output.dropped)
            lines.append(f"  -> {output.output}: kept {output.kept:,}, dropped {file.dropped_count + dropped:,}"
                         + (f" ({dropped:,} of them for this output only)" if dropped and file.dropped else ""))
            lines.extend(_format_dropped(output.dropped, "    "))
        for note in file.notes:
            lines.append(f"  note: {note}")
        for error in file.row_errors:
            lines.append(f"  ERROR: {error}")
        lines.append("")
    if report.notes:
        lines.append("Putting the files together")
        lines.extend(f"  - {note}" for note in report.notes)
        lines.append("")
    if report.written:
        lines.append("Written")
        lines.extend(f"  {name}: {_format_size(size)}" for name, size in report.written)
    return "\n".join(lines).rstrip() + "\n"


def _format_dropped(dropped: tuple[DroppedRows, ...], indent: str) -> list[str]:
    lines = []
    for item in dropped:
        lines.append(f"{indent}{item.count:,} x {item.reason}")
        lines.extend(f"{indent}    e.g. {example}" for example in item.examples)
    return lines


def _format_size(size: int) -> str:
    return f"{size / 1024:,.1f} KB" if size >= 1024 else f"{size} bytes"
