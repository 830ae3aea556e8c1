"""indicators/data_choice.py: which folders can be chosen, their words, and where a missing figure points to."""
from pathlib import Path

from indicators.data_choice import (
    ILLUSTRATIVE_POINTER,
    NO_PUBLIC_FIGURE_POINTER,
    add_no_public_figure_pointer,
    find_data_choices,
    find_forum_tables,
)
from indicators.definitions import load_config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config.yaml")


def test_the_real_folder_comes_first_and_is_named_by_its_region(tmp_path):
    (tmp_path / "data" / "real").mkdir(parents=True)
    (tmp_path / "data" / "practices.csv").write_text("practice_code\n")
    assert list(find_data_choices(tmp_path)) == ["illustrative"]  # no real folder with practices: not offered
    (tmp_path / "data" / "real" / "practices.csv").write_text("practice_code\n")
    (tmp_path / "data" / "real" / "dataset.yaml").write_text("label: real\nareas: {region: {code: X, name: Kent}}\n")
    choices = find_data_choices(tmp_path)
    assert list(choices) == ["real", "illustrative"]
    assert choices["real"].label == "Real Kent data (NHS Digital, OHID)"
    assert choices["illustrative"].label == "Illustrative data"
    assert choices["real"].folder == tmp_path / "data" / "real"


def test_an_unreadable_manifest_still_gives_a_label(tmp_path):
    (tmp_path / "data" / "real").mkdir(parents=True)
    (tmp_path / "data" / "real" / "practices.csv").write_text("practice_code\n")
    (tmp_path / "data" / "real" / "dataset.yaml").write_bytes(b"\xff\xfe: [")
    assert find_data_choices(tmp_path)["real"].label == "Real data (NHS Digital, OHID)"


def test_the_forum_covers_the_vision_and_maturity_tables():
    assert find_forum_tables(CONFIG) == {"vision_survey", "forum_vision", "maturity"}


def test_a_missing_figure_points_to_the_forum_only_for_what_the_forum_asks():
    pointed = add_no_public_figure_pointer({"maturity": "Not published.", "workforce": "Not given. "}, {"maturity"})
    assert pointed == {"maturity": f"Not published. {NO_PUBLIC_FIGURE_POINTER}",
                       "workforce": f"Not given. {ILLUSTRATIVE_POINTER}"}
