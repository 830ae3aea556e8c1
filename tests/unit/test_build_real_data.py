"""scripts/build_real_data.py and the real London data it writes into data/real (committed with the app)."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from forum.export import VISION_SURVEY_FILE_NAME
from indicators.datasets import load_data
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_real_data.py"
REAL = ROOT / "data" / "real"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("build_real_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files_of(folder: Path) -> dict[str, bytes]:
    """The folder's files, except forum answers a facilitator saved there (the forum's, not the build's; .gitignore
    keeps them out of the repository)."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and path.name != VISION_SURVEY_FILE_NAME}


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"the public files are not in {REALDATA}, so data/real cannot be "
                                                  "rebuilt to compare")
def test_the_committed_real_data_equal_a_fresh_build(build_module, tmp_path):
    out = tmp_path / "real"
    report = build_module.build_real_data(REALDATA, out)
    assert not report.failed
    assert len(report.files) == len([p for p in REALDATA.iterdir() if p.suffix in (".csv", ".geojson")]) == 10
    fresh, committed = files_of(out), files_of(REAL)
    assert sorted(committed) == sorted(fresh), "run python scripts/build_real_data.py and commit data/real"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], "run python scripts/build_real_data.py and commit data/real"


def test_the_committed_real_data_load_with_no_errors_and_say_where_they_come_from():
    data = load_data(load_config(ROOT / "config.yaml"), REAL)
    assert not data.errors, [str(p) for p in data.errors]
    assert data.label == "real"
    assert {"registered_patients", "extended_hours", "pcn_workforce", "collaboration", "networks", "deprivation",
            "appointments"} <= set(data.tables)
    assert len(data.geography) > 1200 and data.geography["stp_code"].nunique() == 5
    assert not data.problems, [str(p) for p in data.problems]  # not even a warning (e.g. no areas section)
    assert (data.areas.region.code, data.areas.region.name) == ("E40000003", "London")
    manifest = yaml.safe_load((REAL / "dataset.yaml").read_text(encoding="utf-8"))
    assert "Open Government Licence v3.0" in manifest["licence"]
    assert "created" not in manifest  # a rebuild from the same files gives the same bytes
    publishers = " ".join(manifest["sources"])
    for publisher in ("NHS Digital", "Office for Health Improvement and Disparities", "London Datastore"):
        assert publisher in publishers
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in readme and "scripts/build_real_data.py" in readme


def test_the_committed_real_data_are_small_derived_figures_not_raw_files():
    sizes = {path.name: path.stat().st_size for path in REAL.iterdir()}
    assert max(sizes.values()) < 1024 * 1024 and sum(sizes.values()) < 2 * 1024 * 1024, sizes
    raw_headers = ("PUBLICATION,EXTRACT_DATE", "Indicator ID,Indicator Name", "CCG_CODE,CCG_ONS_CODE",
                   "NHS England (Region) code", "Data_source,CENSUS_YEAR")
    for path in REAL.iterdir():
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert not first_line.startswith(raw_headers), path.name


def test_the_build_fails_clearly_when_the_public_files_are_absent(tmp_path):
    out = tmp_path / "real"
    result = subprocess.run([sys.executable, str(SCRIPT), "--source", str(tmp_path / "missing"), "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"error: {tmp_path / 'missing'}: the folder of public files is not there, so "
                                     "data/real cannot be rebuilt (it needs the shared folder realdata beside the "
                                     "repository).")
    assert not out.exists()


def test_the_build_never_replaces_a_folder_it_did_not_write(build_module, tmp_path):
    source = tmp_path / "public"
    source.mkdir()
    (source / "list.csv").write_text((ROOT / "tests" / "fixtures" / "import" / "patient_list.csv").read_text())
    out = tmp_path / "data"
    out.mkdir()
    (out / "dataset.yaml").write_text("label: illustrative\n")
    with pytest.raises(build_module.BuildError, match="is not one this script wrote"):
        build_module.build_real_data(source, out)
    assert (out / "dataset.yaml").read_text() == "label: illustrative\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")] == []
