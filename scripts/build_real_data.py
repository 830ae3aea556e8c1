"""Rebuild data/real/ (real London data, committed with the app) from the public files in ../shared/realdata.

    python scripts/build_real_data.py                            # ../shared/realdata -> data/real
    python scripts/build_real_data.py --source DIR --out DIR

Every file in the source folder is imported, each recognised by its header. The output folder is
written afresh, so it holds exactly what the importer writes from those files (derived figures only,
never the raw files), with the publishers and the Open Government Licence in dataset.yaml, a short
README.md and the import report (rows read, kept and dropped per file). It carries no date, so a
rebuild from the same files gives the same bytes (a test checks the committed folder against one).
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importers.dataset import ImportedData, import_files, write_dataset
from importers.report import ImportReport, format_report
from importers.sources import ImportFileError

DEFAULT_SOURCE = ROOT.parent / "shared" / "realdata"
DEFAULT_OUT = ROOT / "data" / "real"
SOURCE_SUFFIXES = (".csv", ".geojson", ".json")
REPORT_FILE = "import-report.txt"
README_FILE = "README.md"
TITLE = "London general practice: real NHS Digital, OHID and London Datastore data"


class BuildError(Exception):
    """The real data cannot be built; the message says why in one line."""


def find_source_files(source: Path) -> list[Path]:
    """Every data file of the folder (SOURCES.md and other notes are not data), in name order."""
    if not source.is_dir():
        raise BuildError(f"{source}: the folder of public files is not there, so data/real cannot be rebuilt "
                         "(it needs the shared folder realdata beside the repository).")
    files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
    if not files:
        raise BuildError(f"{source}: the folder holds no CSV or GeoJSON file to import.")
    return files


def build_real_data(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> ImportReport:
    """Import every file of `source` and replace `out` with the result. Raises BuildError when a file fails."""
    files = find_source_files(source)
    data, report = import_files(files)
    if report.failed:
        raise BuildError("these files could not be imported, so data/real was left as it was: "
                         + "; ".join(f.error or f.name for f in report.failed))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as staging:
        folder = Path(staging) / out.name
        written = write_dataset(data, folder, title=TITLE, dated=False)
        report = ImportReport(report.files, written, report.notes)
        (folder / REPORT_FILE).write_text(format_report(report), encoding="utf-8", newline="")
        (folder / README_FILE).write_text(_readme_text(data), encoding="utf-8", newline="")
        if out.exists():
            _check_replaceable(out)
            shutil.rmtree(out)
        folder.rename(out)
    return report


def _check_replaceable(out: Path) -> None:
    manifest = out / "dataset.yaml"
    if not out.is_dir() or not manifest.exists() or "label: real" not in manifest.read_text(encoding="utf-8"):
        raise BuildError(f"{out}: this folder is not one this script wrote (no dataset.yaml labelled real), so it "
                         "was not replaced.")


README = """# Real London data

Figures derived from public NHS Digital, OHID (Fingertips) and London Datastore files by the atscale
importer, covering {span}. The raw files are not in this repository: `python scripts/build_real_data.py`
rebuilds this folder from them (in `../shared/realdata`), and a test checks that the folder equals a
fresh build.

Licence: contains public sector information licensed under the
[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).
Borough boundaries contain Ordnance Survey data, Crown copyright and database right.

Sources (publisher, file and period; also in `dataset.yaml`):

{sources}

`{report}` says, for each file, how many rows were read, kept and dropped, and why. `dataset.yaml`
also says what no public file gives (`unavailable`) and what covers only part of London (`coverage`).
"""


def _readme_text(data: ImportedData) -> str:
    span = f"{data.periods[0][:7]} to {data.periods[-1][:7]}" if data.periods else "no dated figures"
    return README.format(span=span, sources="\n".join(f"- {source}" for source in data.sources), report=REPORT_FILE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild data/real/ from the public files in ../shared/realdata.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of public files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write (replaced)")
    args = parser.parse_args(argv)
    try:
        report = build_real_data(args.source, args.out)
    except (BuildError, ImportFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {args.out}: could not write the folder ({error.strerror or error}).", file=sys.stderr)
        return 1
    print(format_report(report), end="")
    print(f"\nDone: {args.out} rebuilt from {len(report.files)} files. Check `git diff --stat {args.out}`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
