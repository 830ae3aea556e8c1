"""config.yaml: the real file loads cleanly, and each kind of mistake is reported by file, indicator and field."""
import math
from dataclasses import replace
from pathlib import Path

import pytest

from indicators.change_points import ChangePoint
from indicators.compute import compute_indicator_values
from indicators.datasets import load_data
from indicators.definitions import Measure, Target, load_config
from indicators.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SMALL_CONFIG = ROOT / "tests" / "fixtures" / "small" / "config.yaml"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
SMALL_IDS = ["coverage", "appointments_per_1000", "clinical_fte_per_1000", "gps_aware", "maturity_embedded"]

NEW_INDICATOR = """
  - id: gp_fte_per_1000
    name: GP FTE per 1,000 patients
    plain_name: Family doctors for every 1,000 people
    description: Full-time equivalent GPs per 1,000 registered patients.
    plain_description: How many full-time family doctors there are for every 1,000 people.
    domain: workforce
    numerator: {table: workforce, column: gp_fte}
    denominator: {table: registered_patients, column: registered_patients}
    multiplier: 1000
    unit: per 1,000 patients
    decimals: 2
    direction: higher_is_better
    comparison: tolerance
"""


def test_the_real_config_loads_without_problems():
    config = load_config(ROOT / "config.yaml")
    assert config.problems == ()
    assert len(config.indicators) >= 12
    assert {d.domain for d in config.indicators} == {"vision", "collaboration", "access", "workforce"}
    assert set(config.domains) == {"vision", "collaboration", "access", "workforce"}
    ids = [d.id for d in config.indicators]
    assert len(ids) == len(set(ids))


def test_the_small_config_reads_into_definitions():
    config = load_config(SMALL_CONFIG)
    assert config.problems == ()
    assert [d.id for d in config.indicators] == SMALL_IDS
    assert config.suppress_below == 10
    coverage = config.indicator("coverage")
    contract_fields = {  # the fields docs/data-contract.md promises (the dataclass may grow more)
        "id": "coverage", "name": "Patients with extended access",
        "plain_name": "People who can see a GP in the evening", "description": "Covered patients.",
        "plain_description": "Covered people.", "domain": "access",
        "numerator": Measure("extended_access", ("patients_covered",)),
        "denominator": Measure("registered_patients", ("registered_patients",)),
        "multiplier": 100.0, "unit": "%", "decimals": 1, "direction": "higher_is_better",
        "target": Target(97.0, "test"), "comparison": "wilson", "tolerance_percent": 10.0, "suppress_below": 10.0,
    }
    assert {name: getattr(coverage, name) for name in contract_fields} == contract_fields
    assert config.tables["workforce"].column_types == {"gp_fte": "number", "nurse_fte": "number"}
    assert config.tables["vision_survey"].key == "borough_code"


def test_measures_keep_several_columns_filters_and_count():
    config = load_config(SMALL_CONFIG)
    assert config.indicator("clinical_fte_per_1000").numerator.columns == ("gp_fte", "nurse_fte")
    assert config.indicator("gps_aware").numerator.filter == (("role", ("GP",)),)
    maturity = config.indicator("maturity_embedded")
    assert maturity.numerator == Measure("maturity", ("score",), "count", (("score", (4, 5)),))
    assert maturity.suppress_below == 1  # its own value overrides the file's default of 10


def test_indicators_are_listed_by_domain():
    config = load_config(SMALL_CONFIG)
    assert [d.id for d in config.indicators_in("access")] == ["coverage", "appointments_per_1000"]
    assert config.indicators_in("nothing") == ()
    with pytest.raises(KeyError):
        config.indicator("no_such_indicator")


@pytest.mark.parametrize(
    ("file", "indicator", "field", "words"),
    [
        ("config_duplicate_id.yaml", "coverage", "id", "used twice"),
        ("config_unknown_domain.yaml", "gps_aware", "domain", "visions"),
        ("config_missing_table.yaml", "appointments_per_1000", "numerator.table", "appointment_counts"),
        ("config_missing_column.yaml", "clinical_fte_per_1000", "numerator.column", "nurses_fte"),
        ("config_wrong_type.yaml", "coverage", "multiplier", "a hundred"),
        ("config_unknown_field.yaml", "maturity_embedded", "colour", "not known"),
        ("config_bad_direction.yaml", "appointments_per_1000", "direction", "'up'"),
        ("config_bad_comparison.yaml", "clinical_fte_per_1000", "comparison", "t-test"),
        ("config_bad_target.yaml", "coverage", "target", "numeric value"),
    ],
)
def test_one_bad_indicator_is_reported_and_the_others_still_load(file, indicator, field, words):
    config = load_config(BROKEN / file)
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert (problem.source, problem.indicator, problem.field, problem.severity) == (file, indicator, field, "error")
    assert words in problem.message
    assert file in str(problem) and indicator in str(problem) and field in str(problem)
    loaded = [d.id for d in config.indicators]
    if file == "config_duplicate_id.yaml":  # the first 'coverage' stays; the second entry is dropped
        assert loaded == ["coverage", "clinical_fte_per_1000", "gps_aware", "maturity_embedded"]
    else:
        assert loaded == [i for i in SMALL_IDS if i != indicator]


def _write_config(tmp_path: Path, old: str, new: str) -> Path:
    text = SMALL_CONFIG.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "config.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "indicator", "field"),
    [
        ("    decimals: 2\n", "    decimals: -1\n", "clinical_fte_per_1000", "decimals"),
        ("    decimals: 2\n", "    decimals: 1.5\n", "clinical_fte_per_1000", "decimals"),
        ("    tolerance_percent: 10\n", "    tolerance_percent: -5\n", "clinical_fte_per_1000", "tolerance_percent"),
        ("    suppress_below: 1\n", "    suppress_below: -1\n", "maturity_embedded", "suppress_below"),
        ("    suppress_below: 1\n", "    suppress_below: 1\n    clustered_by: ward\n", "maturity_embedded",
         "clustered_by"),
        ("    suppress_below: 1\n", "    suppress_below: 1\n    meaningful_difference: -1\n", "maturity_embedded",
         "meaningful_difference"),
        ("    suppress_below: 1\n", "    suppress_below: 1\n    meaningful_difference: one\n", "maturity_embedded",
         "meaningful_difference"),
        ("    multiplier: 1000\n    unit: per 1,000 patients\n    decimals: 2\n",
         "    multiplier: 0\n    unit: per 1,000 patients\n    decimals: 2\n", "clinical_fte_per_1000", "multiplier"),
        ("target: {value: 97, source: test}", "target: 97", "coverage", "target"),
        ("target: {value: 97, source: test}", "target: {value: 97}", "coverage", "target"),
        ("    plain_name: Doctors who know the plan\n", "", "gps_aware", "plain_name"),
        ("column: appointments_per_week}", "column: appointments_per_week, agg: sum}",
         "appointments_per_1000", "numerator.agg"),
        ("aggregate: count, filter: {score: [4, 5]}", "aggregate: mean, filter: {score: [4, 5]}",
         "maturity_embedded", "numerator.aggregate"),
        ("filter: {score: [4, 5]}", "filter: {stage: [4, 5]}", "maturity_embedded", "numerator.filter"),
        ("denominator: {table: vision_survey, column: respondents, filter: {role: GP}}",
         "denominator: {table: vision_survey, column: role}", "gps_aware", "denominator.column"),
    ],
)
def test_more_field_mistakes_name_the_indicator_and_field(tmp_path, old, new, indicator, field):
    config = load_config(_write_config(tmp_path, old, new))
    assert [(p.source, p.indicator, p.field) for p in config.problems] == [("config.yaml", indicator, field)]
    assert [d.id for d in config.indicators] == [i for i in SMALL_IDS if i != indicator]


def test_an_entry_without_an_id_is_named_by_its_position(tmp_path):
    config = load_config(_write_config(tmp_path, "  - id: gps_aware\n    name: GPs aware\n", "  - name: GPs aware\n"))
    assert [(p.indicator, p.field) for p in config.problems] == [("#4", "id")]


def test_a_bad_table_is_reported_and_its_indicators_too(tmp_path):
    config = load_config(_write_config(tmp_path, "    key: borough_code\n", "    key: ward_code\n"))
    assert [(p.indicator, p.field) for p in config.problems] == [
        (None, "tables.vision_survey.key"), ("gps_aware", "numerator.table")]
    assert "vision_survey" not in config.tables
    assert [d.id for d in config.indicators] == [i for i in SMALL_IDS if i != "gps_aware"]


def test_a_missing_config_file_raises_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"config file .*nowhere\.yaml was not found"):
        load_config(tmp_path / "nowhere.yaml")


def test_invalid_yaml_raises_with_its_line_number():
    # the fixture breaks line 71 ("    name: GPs: aware")
    with pytest.raises(ConfigError, match=r"config_invalid_yaml\.yaml could not be read at line 71"):
        load_config(BROKEN / "config_invalid_yaml.yaml")


def test_a_list_at_the_top_level_raises():
    with pytest.raises(ConfigError, match=r"config_top_level_list\.yaml must be a mapping"):
        load_config(BROKEN / "config_top_level_list.yaml")


@pytest.mark.parametrize("text", ["", "just some words\n"])
def test_an_empty_or_plain_text_file_raises(tmp_path, text):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(path)


def test_a_missing_section_and_an_unknown_section_are_reported(tmp_path):
    config = load_config(_write_config(tmp_path, "suppress_below: 10\n", "suppress_below: 10\ncolours: {}\n"))
    assert [(p.field, p.severity) for p in config.problems] == [("colours", "warning")]
    path = tmp_path / "no_indicators.yaml"
    path.write_text("tables: {}\ndomains: {}\n", encoding="utf-8")
    config = load_config(path)
    assert [(p.field, p.severity) for p in config.problems] == [("indicators", "error")]
    assert config.indicators == ()


def test_a_new_indicator_is_only_a_yaml_entry(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(SMALL_CONFIG.read_text(encoding="utf-8") + NEW_INDICATOR, encoding="utf-8")
    config = load_config(path)
    assert config.problems == ()
    assert [d.id for d in config.indicators] == [*SMALL_IDS, "gp_fte_per_1000"]
    values = compute_indicator_values(config.indicator("gp_fte_per_1000"), load_data(config, SMALL_CONFIG.parent))
    london = values.loc[values["level"] == "region"]
    # GP FTE 0.5 + 2.0 + 1.0 + 2.5 = 6.0 for 10,000 patients -> 0.6 per 1,000
    assert london["value"].tolist() == [pytest.approx(0.6)]


def test_a_new_indicator_in_the_real_config_appears_with_no_code_change(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text((ROOT / "config.yaml").read_text(encoding="utf-8") + NEW_INDICATOR.replace(
        "gp_fte_per_1000", "gp_fte_per_1000_copy"), encoding="utf-8")
    config = load_config(path)
    assert config.problems == ()
    assert config.indicators[-1].id == "gp_fte_per_1000_copy"
    assert config.indicators[-1] in config.indicators_in("workforce")


@pytest.mark.parametrize(
    ("unit", "decimals", "value", "shown"),
    [
        ("%", 1, 97.26, "97.3%"),
        ("per 1,000 patients", 2, 0.584, "0.58 per 1,000 patients"),
        ("per 1,000 patients", 0, 1234.5, "1,234 per 1,000 patients"),  # round half to even
        ("%", 1, math.nan, "not shown"),
        ("%", 1, None, "not shown"),
    ],
)
def test_values_are_formatted_with_their_unit(unit, decimals, value, shown):
    definition = replace(load_config(SMALL_CONFIG).indicator("coverage"), unit=unit, decimals=decimals)
    assert definition.format_value(value) == shown


def test_yaml_alias_bombs_deep_nesting_and_huge_files_are_refused_not_expanded():
    import yaml

    from indicators.definitions import YAML_SIZE_LIMIT, load_yaml_text

    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 30))  # 10^30 values
    for text, reason in ((bomb, "stand for more than 1,000,000 values"),
                         ("[" * 100_000 + "]" * 100_000, "nested more than 100 deep"),  # crashed libyaml
                         ("- " * 500_000 + "x", "nested more than 100 deep"),
                         ("x" * (YAML_SIZE_LIMIT + 1), "larger than 2 MB")):
        with pytest.raises(yaml.YAMLError, match=reason):
            load_yaml_text(text)
    # an alias standing for a few values, as yaml.safe_dump writes for a shared object, is fine
    assert load_yaml_text("numerator: &n {table: t}\ndenominator: *n\n") == {"numerator": {"table": "t"},
                                                                         "denominator": {"table": "t"}}


def test_a_config_that_is_an_alias_bomb_is_one_config_error(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    (tmp_path / "config.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"config.yaml could not be read at line \d+, column \d+: its aliases"):
        load_config(tmp_path / "config.yaml")


def test_change_points_apply_to_every_indicator_unless_it_has_its_own(tmp_path):
    text = SMALL_CONFIG.read_text(encoding="utf-8").replace(
        "suppress_below: 10\n",
        "suppress_below: 10\nchange_points:\n  - {period: 2020-03-01, reason: the COVID-19 pandemic}\n", 1)
    text = text.replace("    target: {value: 97, source: test}\n",
                        "    target: {value: 97, source: test}\n    change_points: []\n", 1)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    covid = (ChangePoint("2020-03-01", "the COVID-19 pandemic"),)
    assert config.problems == ()
    assert config.change_points == covid
    assert config.indicator("coverage").change_points == ()
    assert config.indicator("appointments_per_1000").change_points == covid


def test_a_bad_top_level_change_point_is_reported_and_none_are_used(tmp_path):
    config = load_config(_write_config(tmp_path, "suppress_below: 10\n",
                                       "suppress_below: 10\nchange_points:\n  - {period: soon, reason: x}\n"))
    assert [(p.field, p.message) for p in config.problems] == [(
        "change_points", ("change_points, entry 1: period must be a date such as 2020-03-01 from 1990 to 2100, "
        "not 'soon'. No change points are used."))]
    assert config.change_points == ()
    assert [d.id for d in config.indicators] == SMALL_IDS


def test_a_bad_change_point_of_one_indicator_leaves_it_out_and_names_it(tmp_path):
    config = load_config(_write_config(tmp_path, "    target: {value: 97, source: test}\n",
                                       "    target: {value: 97, source: test}\n"
                                       "    change_points: [{period: 2020-03-01}]\n"))
    problem, = config.problems
    assert (problem.indicator, problem.field) == ("coverage", "change_points")
    assert "the field 'reason' is missing" in problem.message
    assert "coverage" not in [d.id for d in config.indicators]


def test_declared_fairness_fields_are_read(tmp_path):
    config = load_config(_write_config(tmp_path, "    suppress_below: 1\n",
                                       "    suppress_below: 1\n    clustered_by: pcn\n    meaningful_difference: 5\n"
                                       "    plain_multiplier: 1000\n"))
    maturity = config.indicator("maturity_embedded")
    assert (maturity.clustered_by, maturity.meaningful_difference, maturity.plain_base) == ("pcn", 5.0, 1000.0)
    assert maturity.overdispersion
    coverage = config.indicator("coverage")
    assert (coverage.clustered_by, coverage.meaningful_difference, coverage.plain_base) == ("", 0.0,
                                                                                          coverage.multiplier)


def test_a_domain_headline_that_is_not_its_indicator_is_reported_and_the_first_is_used(tmp_path):
    from indicators.definitions import load_config as load

    path = _write_config(tmp_path, "plain_name: Evening and weekend appointments}",
                         "plain_name: Evening and weekend appointments, headline: no_such_indicator}")
    config = load(path)
    problems = [p for p in config.problems if p.field and p.field.endswith(".headline")]
    assert len(problems) == 1 and problems[0].severity == "warning"
