"""AppTest: one broken file in the data folder (or config) never takes down a page, and the Data page names
the file, row and field. Each case is made in tmp_path from the small fixture and opened on every page.
"""
import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "small"
PAGES = sorted((ROOT / "app_pages").glob("*.py"))
PATIENTS_HEADER = "practice_code,period,registered_patients"
SQUARE = [[-0.10, 51.50], [-0.09, 51.50], [-0.09, 51.51], [-0.10, 51.51], [-0.10, 51.50]]


def rewrite(name: str, content: bytes | str):
    def change(folder: Path) -> None:
        path = folder / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
    return change


def old_mac_line_endings(folder: Path) -> None:
    path = folder / "practices.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))


def cut_in_a_character(folder: Path) -> None:
    path = folder / "practices.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n") + "é"
    path.write_bytes(text.encode("utf-8")[:-1])


def alias_bomb(folder: Path) -> None:
    lines = ["label: illustrative", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    (folder / "dataset.yaml").write_text("\n".join(lines) + "\n")


def boundaries(geometry_of_b2) -> callable:
    def change(folder: Path) -> None:
        config = (folder / "config.yaml").read_text()
        (folder / "config.yaml").write_text(config + "\nmap:\n  boundaries: boroughs.geojson\n")
        features = [{"type": "Feature", "properties": {"GSS_CODE": code, "NAME": code}, "geometry": geometry}
                    for code, geometry in (("B1", {"type": "Polygon", "coordinates": [SQUARE]}),
                                           ("B2", geometry_of_b2))]
        (folder / "boroughs.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return change


def deep_json(folder: Path) -> None:
    boundaries({"type": "Polygon", "coordinates": []})(folder)
    (folder / "boroughs.geojson").write_text('{"features": ' + "[" * 50_000 + "]" * 50_000 + "}")


CASES = {
    # case: (change, file, row, field) that the Data page must name (row/field None: not applicable)
    "unclosed_quote": (rewrite("registered_patients.csv", f'{PATIENTS_HEADER}\nP1,2020-01-01,1000\nP2,"2020-01-01,'
                                                          '3000\nP3,2020-01-01,2000\nP4,2020-01-01,4000\n'),
                       "registered_patients.csv", 3, "period"),
    "old_mac_line_endings": (old_mac_line_endings, None, None, None),
    "binary_garbage": (rewrite("workforce.csv", bytes(range(256)) * 20), "workforce.csv", 1, None),
    "cut_in_a_character": (cut_in_a_character, "practices.csv", 5, "deprivation_decile"),
    "infinite_values": (rewrite("registered_patients.csv", f"{PATIENTS_HEADER}\nP1,2020-01-01,inf\n"
                                                           "P2,2020-01-01,1e309\nP3,2020-01-01,2000\n"),
                        "registered_patients.csv", 2, "registered_patients"),
    "date_outside_1990_2100": (rewrite("registered_patients.csv", f"{PATIENTS_HEADER}\nP1,1850-01-01,1000\n"
                                                                  "P2,2020-01-01,3000\nP3,2150-01-01,2000\n"),
                               "registered_patients.csv", 2, "period"),
    "header_only_table": (rewrite("registered_patients.csv", PATIENTS_HEADER + "\n"), "registered_patients.csv", 2,
                          None),
    "header_only_practices": (rewrite("practices.csv", (SMALL / "practices.csv").read_text().splitlines()[0] + "\n"),
                              "practices.csv", 2, None),
    "yaml_alias_bomb": (alias_bomb, "dataset.yaml", None, None),
    "self_crossing_polygon": (boundaries({"type": "Polygon", "coordinates": [
        [[-0.2, 51.5], [-0.1, 51.6], [-0.1, 51.5], [-0.25, 51.58], [-0.2, 51.5]]]}), "boroughs.geojson", 2, "geometry"),
    "zero_area_polygon": (boundaries({"type": "Polygon", "coordinates": [
        [[-0.2, 51.5], [-0.1, 51.5], [-0.15, 51.5], [-0.2, 51.5]]]}), "boroughs.geojson", 2, "geometry"),
    "empty_coordinates": (boundaries({"type": "Polygon", "coordinates": []}), "boroughs.geojson", 2, "geometry"),
    "nan_coordinates": (boundaries({"type": "Polygon", "coordinates": [
        [[-0.2, 51.5], [float("nan"), 51.6], [-0.1, 51.5], [-0.2, 51.5]]]}), "boroughs.geojson", 2, "geometry"),
    "deep_json": (deep_json, "boroughs.geojson", None, None),
}


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    monkeypatch.setenv("ATSCALE_DATA_DIR", str(folder))
    monkeypatch.setenv("ATSCALE_CONFIG", str(folder / "config.yaml"))
    return folder


@pytest.mark.parametrize("case", CASES)
def test_every_page_shows_and_the_data_page_names_the_problem(case, data_folder):
    change, file, row, field = CASES[case]
    change(data_folder)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page.name}").run()
        assert not at.exception, (page.name, [e.value for e in at.exception])
        # a title, or (with no practices at all) the message saying what is missing
        assert at.title or at.warning or at.error, f"{page.name} showed nothing"
    at.switch_page("app_pages/data_and_indicators.py").run()
    problems = at.dataframe[-1].value
    if file is None:  # read correctly: practices.csv has no problem (the fixture's one warning is elsewhere)
        assert "practices.csv" not in set(problems["file"]) and len(at.dataframe[1].value) >= 4
        return
    named = problems[problems["file"] == file]
    assert len(named), problems
    if row is not None:
        assert row in set(named["row"].dropna().astype(int)), named
    if field is not None:
        assert field in set(named["field"]), named


def test_a_config_with_an_alias_bomb_is_one_clear_error(data_folder):
    alias_bomb(data_folder)
    shutil.copy(data_folder / "dataset.yaml", data_folder / "config.yaml")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("config.yaml" in e.value and "aliases" in e.value for e in at.error), [e.value for e in at.error]
