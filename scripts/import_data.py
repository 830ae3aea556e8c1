"""Import real NHS Digital and London Datastore downloads into a data folder the app can read.

    python scripts/import_data.py --out my-data gp-reg-pat-prac-map.csv gp-reg-pat-prac-all.csv ...
    python scripts/import_data.py --region "North West" --out north-west gp-reg-pat-prac-map.csv ...
    ATSCALE_DATA_DIR=my-data streamlit run app.py

Each file's format is told from its header. The report says, per file, how many rows were read,
kept and dropped, and why. Exit status 1 when a file could not be imported or has bad values (the
others, and the good rows, still are), each named on one line with its row and field.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from importers.dataset import DEFAULT_REGION, run_import
from importers.report import format_report
from importers.sources import ImportFileError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the app's data folder from NHS Digital / London Datastore files "
                    "(practice mapping, patients registered, NHS payments, PCN workforce, borough boundaries).")
    parser.add_argument("files", nargs="+", metavar="FILE", help="downloaded files, in any order")
    parser.add_argument("--out", required=True, help="folder to write (new, or one this script wrote before)")
    parser.add_argument("--region", default=DEFAULT_REGION,
                        help="NHS England region (name or code, e.g. 'North West', Y62, E40000010) or system "
                             f"(STP code, e.g. QMJ) to import from the national files; default {DEFAULT_REGION}")
    parser.add_argument("--payments-year", metavar="YYYY-YY",
                        help="financial year of an NHS Payments file when its name does not say (e.g. 2018-19)")
    args = parser.parse_args(argv)

    try:
        report = run_import(args.files, args.out, region=args.region, payments_year=args.payments_year,
                            progress=_print_progress)
    except ImportFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {args.out}: could not write the data folder ({error.strerror or error}).", file=sys.stderr)
        return 1
    print(format_report(report), end="")
    for line in report.error_lines:
        print(f"error: {line}", file=sys.stderr)
    if len(report.failed) == len(report.files):
        print("error: no file could be imported, so nothing was written.", file=sys.stderr)
        return 1
    if report.error_lines:
        return 1
    print(f"\nDone. Run the dashboard on it with:  ATSCALE_DATA_DIR={args.out} streamlit run app.py")
    return 0


def _print_progress(name: str, rows: int) -> None:
    print(f"  {name}: {rows:,} rows read ...", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
