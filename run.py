"""One entry point for the usual jobs, so a newcomer needs neither make nor the scripts' paths.

    python run.py app                 the dashboard on this computer (http://localhost:8501)
    python run.py room                the dashboard on the venue network, for tables' phones and laptops
    python run.py test                every test (pytest), with a summary of passed, skipped and failed
    python run.py import --out DIR F  import downloaded NHS Digital / OHID / London Datastore files into DIR
    python run.py real-data           rebuild data/real from ../shared/realdata
    python run.py demo-data           rebuild the illustrative data in data/
    python run.py benchmark           time every page against the reference page
    python run.py loadtest            130 simulated sessions over Streamlit's websocket protocol

Anything after the job's name is passed on (e.g. `python run.py test tests/unit -x`).
"""
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Job:
    command: tuple[str, ...]  # after the Python interpreter
    summary: str


JOBS = {
    "app": Job(("-m", "streamlit", "run", "app.py"), "the dashboard on this computer"),
    "room": Job(("-m", "streamlit", "run", "app.py", "--server.address", "0.0.0.0"),
                "the dashboard on the venue network (tables join from their own devices)"),
    "test": Job(("-m", "pytest"), "every test, ending with counts of passed, skipped and failed"),
    "import": Job(("scripts/import_data.py",), "import downloaded files into a data folder (--out DIR FILE ...)"),
    "real-data": Job(("scripts/build_real_data.py",), "rebuild data/real from ../shared/realdata"),
    "demo-data": Job(("scripts/make_demo_data.py",), "rebuild the illustrative data in data/"),
    "benchmark": Job(("scripts/benchmark.py",), "time every page against the reference page"),
    "loadtest": Job(("scripts/loadtest.py",), "simulated sessions over Streamlit's websocket protocol"),
}


def build_command(job: str, arguments: list[str]) -> list[str]:
    """The command line a job runs: this interpreter, the job's script or module, then the user's arguments."""
    return [sys.executable, *JOBS[job].command, *arguments]


def describe_jobs() -> str:
    width = max(len(name) for name in JOBS)
    return "\n".join(f"  {name.ljust(width)}  {job.summary}" for name, job in JOBS.items())


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(f"usage: python run.py JOB [arguments]\n\njobs:\n{describe_jobs()}")
        return 0
    job, arguments = argv[0], argv[1:]
    if job not in JOBS:
        print(f"run.py: there is no job {job!r}. The jobs are:\n{describe_jobs()}", file=sys.stderr)
        return 2
    try:
        return subprocess.call(build_command(job, arguments), cwd=ROOT)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
