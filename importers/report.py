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
    error: str | None = None

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

    def drop(self, reason: str, row: int, example: str = "", output: str = ALL_OUTPUTS) -> None:
        """Count one dropped row under `reason`; the first few are kept as examples with their row number."""
        tally = self.dropped.setdefault(output, {}).setdefault(reason, [0, []])
        tally[0] += 1
        if len(tally[1]) < EXAMPLES_PER_REASON:
            tally[1].append(f"row {row}: {example}" if example else f"row {row}")

    def drop_malformed(self, reason: str, row: int) -> None:
        """A row the CSV reader could not split into the header's columns: read, and dropped."""
        self.rows_read += 1
        self.drop(reason, row)

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
        return FileReport(self.name, self.path, self.format, self.rows_read, rows(self.dropped.get(ALL_OUTPUTS, {})),
                          outputs, tuple(self.notes), error)


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
