"""indicators/peers.py: practice search, peer groups, ranks and the practice-against-its-areas tables."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from example_areas import ENGLAND, LONDON

from indicators import peers
from indicators.areas import AreaModel
from indicators.definitions import IndicatorDefinition, Measure, TableSpec


def practices() -> pd.DataFrame:
    rows = [
        # code, name, postcode district, PCN, borough, STP, deprivation decile
        ("G85029", "Falmouth Road Group Practice", "SE1", "P1", "B1", "S1", 1),
        ("G85020", "Queens Road Surgery", "SE15", "P1", "B1", "S1", 2),
        ("G85111", "Oak Medical Centre", "SE10", "P2", "B1", "S1", 3),
        ("F84001", "City Wall Practice", "EC2Y", "P3", "B2", "S2", 5),
        ("F84002", "Whitechapel Health", "E1", "P3", "B2", "S2", np.nan),
        ("F84003", "Wapping Medical", "E1W", "", "B2", "S2", 10),
    ]
    frame = pd.DataFrame(rows, columns=["practice_code", "practice_name", "postcode_district", "pcn_code",
                                        "borough_code", "stp_code", "deprivation_decile"])
    frame["pcn_name"] = frame["pcn_code"].map(lambda code: f"Network {code}" if code else "")
    frame["borough_name"] = frame["borough_code"].map({"B1": "Southwark", "B2": "Tower Hamlets"})
    frame["stp_name"] = frame["stp_code"].map({"S1": "South East London", "S2": "North East London"})
    return frame


def found(query: str) -> list[str]:
    return list(peers.compute_practice_matches(practices(), query)["practice_code"])


# search


def test_name_search_ignores_case_and_extra_spaces():
    assert found("  road   group ") == ["G85029"]
    assert found("MEDICAL") == ["G85111", "F84003"]  # both contain it, neither starts with it: by name


def test_names_starting_with_the_text_come_before_names_containing_it():
    assert found("wa") == ["F84003", "F84001"]  # Wapping starts with "wa"; City Wall only contains it


def test_code_search_exact_first_then_prefix():
    assert found("g85029") == ["G85029"]
    assert found(" G850 ") == ["G85029", "G85020"]  # both start with it: by name (Falmouth, Queens)
    matches = peers.compute_practice_matches(practices(), "G85020")
    assert list(matches["practice_code"]) == ["G85020"]
    assert list(matches["matched_on"]) == ["ODS code"]


def test_postcode_district_matches_on_its_word_boundaries():
    assert found("SE1") == ["G85029"]  # not SE15 or SE10
    assert found("se15") == ["G85020"]
    assert found("SE1 7PB") == ["G85029"]  # a full postcode finds its district
    assert found("SE17PB") == ["G85029"]  # also without the space
    assert set(found("SE")) == {"G85029", "G85020", "G85111"}  # the postcode area: every SE district
    assert set(found("E1")) == {"F84002", "F84003"}  # E1 and its sub-district E1W, not EC2Y
    assert found("EC2") == ["F84001"]
    assert peers.compute_practice_matches(practices(), "SE1")["matched_on"].tolist() == ["postcode district"]


def test_is_postcode_match():
    assert peers.is_postcode_match("SE1", "SE1")
    assert not peers.is_postcode_match("SE1", "SE15")
    assert not peers.is_postcode_match("S", "SE1")
    assert peers.is_postcode_match("w1", "W1A")
    assert not peers.is_postcode_match("W1B", "W1A")
    assert not peers.is_postcode_match("Oak", "SE1")
    assert not peers.is_postcode_match("SE1", "")


def test_empty_search_lists_every_practice_by_name_and_no_match_is_empty():
    assert found("   ") == ["F84001", "G85029", "G85111", "G85020", "F84003", "F84002"]
    assert found("zzz") == []


# list sizes and peer groups


def registered() -> pd.DataFrame:
    return pd.DataFrame({
        "practice_code": ["G85029", "G85020", "G85111", "F84001", "F84002", "G85029"],
        "period": ["2021-01-01"] * 5 + ["2020-10-01"],
        "registered_patients": [10_000, 7_500, 12_500, 12_600, np.nan, 9_000],
    })


def test_list_sizes_use_the_latest_period_up_to_the_chosen_one():
    sizes, used = peers.compute_list_sizes(registered(), "2021-01-01")
    assert used == "2021-01-01"
    assert sizes.to_dict() == {"F84001": 12_600.0, "G85020": 7_500.0, "G85029": 10_000.0, "G85111": 12_500.0}
    sizes, used = peers.compute_list_sizes(registered(), "2020-12-01")
    assert (used, sizes.to_dict()) == ("2020-10-01", {"G85029": 9_000.0})
    sizes, used = peers.compute_list_sizes(registered(), "2019-01-01")  # nothing earlier: the first period
    assert used == "2020-10-01"
    assert peers.compute_list_sizes(None, "2021-01-01")[1] is None


def group(code: str, group_id: str, areas: AreaModel = LONDON) -> peers.PeerGroup:
    sizes, _ = peers.compute_list_sizes(registered(), "2021-01-01")
    return peers.compute_peer_group(practices(), code, group_id, areas, list_sizes=sizes,
                                    list_size_period="January 2021")


def test_same_stp_and_all_the_region():
    assert group("G85111", "stp").practice_codes == ("G85029", "G85020", "G85111")
    assert group("G85111", "stp").rule == "Practices in the same STP as this one: South East London."
    everyone = group("G85111", "region")
    assert len(everyone.practice_codes) == 6
    assert (everyone.label, everyone.rule) == ("All practices in London", "Every practice in London.")
    assert group("G85111", "region", ENGLAND).label == "All practices in England"


def test_similar_list_size_is_within_25_percent_both_ends_included():
    peer_group = group("G85029", "list_size")
    assert set(peer_group.practice_codes) == {"G85029", "G85020", "G85111"}  # 7,500 and 12,500 in; 12,600 out
    assert peer_group.rule == ("Practices whose registered list in January 2021 is within 25% of this practice's "
                               "10,000 patients: 7,500 to 12,500 patients.")
    assert not peer_group.unavailable


def test_similar_deprivation_is_the_same_or_next_decile():
    assert set(group("G85020", "deprivation").practice_codes) == {"G85029", "G85020", "G85111"}
    assert set(group("G85029", "deprivation").practice_codes) == {"G85029", "G85020"}  # decile 1: 1 and 2
    assert group("F84003", "deprivation").practice_codes == ("F84003",)
    assert "deciles 9 to 10" in group("F84003", "deprivation").rule


def test_a_practice_without_a_decile_or_a_list_size_has_no_such_group_and_says_why():
    no_decile = group("F84002", "deprivation")
    assert no_decile.practice_codes == ()
    assert "no deprivation decile" in no_decile.unavailable
    no_size = group("F84003", "list_size")
    assert no_size.practice_codes == ()
    assert "no count of registered patients" in no_size.unavailable


# ranks


@pytest.mark.parametrize("number, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                          (12, "12th"), (13, "13th"), (21, "21st"), (102, "102nd"), (111, "111th")])
def test_ordinal(number, text):
    assert peers.ordinal(number) == text


VALUES = pd.Series({"A": 10.0, "B": 20.0, "C": 20.0, "D": 5.0, "E": np.nan, "F": 1.0})


def test_rank_higher_is_better_ties_share_the_smallest_rank_and_suppressed_are_not_counted():
    assert peers.compute_rank(VALUES, "B", "higher_is_better") == peers.Rank(1, 5, "joint 1st of 5 (1st = highest)")
    assert peers.compute_rank(VALUES, "C", "higher_is_better").position == 1
    assert peers.compute_rank(VALUES, "A", "higher_is_better") == peers.Rank(3, 5, "3rd of 5 (1st = highest)")


def test_rank_lower_is_better_counts_from_the_lowest():
    assert peers.compute_rank(VALUES, "D", "lower_is_better") == peers.Rank(2, 5, "2nd of 5 (1st = lowest)")
    assert peers.compute_rank(VALUES, "B", "lower_is_better").text == "joint 4th of 5 (1st = lowest)"


def test_rank_direction_neither_says_highest_to_lowest_without_judging():
    rank = peers.compute_rank(VALUES, "F", "neither")
    assert rank.text == "5th of 5, counting from highest to lowest"
    assert "better" not in rank.text


def test_a_suppressed_practice_or_a_small_group_is_not_ranked():
    assert peers.compute_rank(VALUES, "E", "higher_is_better") == peers.Rank(
        None, 5, "Not ranked: this practice's figure is too small to show")
    small = peers.compute_rank(VALUES[["A", "B", "E"]], "A", "higher_is_better")
    assert small == peers.Rank(None, 2, "Not ranked: fewer than 5 practices in this group have a figure")


def test_rank_ignores_rounding_noise_in_ties():
    values = pd.Series({"A": 0.1 + 0.2, "B": 0.3, "C": 0.1, "D": 0.2, "E": 0.0})
    assert peers.compute_rank(values, "B", "higher_is_better").text == "joint 1st of 5 (1st = highest)"


# practice against its areas


def definition(indicator_id: str, direction: str = "higher_is_better", lowest_level: str = "practice",
               unit: str = "%", decimals: int = 1) -> IndicatorDefinition:
    return IndicatorDefinition(
        id=indicator_id, name=f"Name of {indicator_id}", plain_name=indicator_id, description="",
        plain_description="", domain="access", numerator=Measure("t", ("n",)), denominator=Measure("t", ("d",)),
        multiplier=100, unit=unit, direction=direction, comparison="wilson", decimals=decimals,
        lowest_level=lowest_level)


DEFINITIONS = {d.id: d for d in (definition("rate"), definition("staff", "neither", unit="per 1,000 patients",
                                                                   decimals=2),
                                 definition("survey"), definition("flag", lowest_level="pcn"),
                                 definition("tiny"), definition("absent"))}


def tidy(indicator_id: str, rows: list[tuple], period: str = "2021-01-01") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["level", "area_code", "value", "vs_region", "vs_stp"])
    return frame.assign(
        indicator_id=indicator_id, period=period, area_name=frame["area_code"].map(lambda code: f"Area {code}"),
        lower_95=frame["value"] - 1, upper_95=frame["value"] + 1, suppressed=frame["value"].isna(),
        numerator=frame["value"], denominator=100.0)


def values() -> pd.DataFrame:
    practice_rows = [("practice", code, value, status, status) for code, value, status in [
        ("G85029", 60.0, "better"), ("G85020", 50.0, "similar"), ("G85111", 50.0, "similar"),
        ("F84001", 40.0, "worse"), ("F84002", np.nan, "not compared"), ("F84003", 30.0, "worse")]]
    areas = [("pcn", "P1", 55.0, "similar", "similar"), ("borough", "B1", 52.0, "similar", "similar"),
             ("stp", "S1", 51.0, "similar", "not compared"), ("region", "E40000003", 50.0, "not compared", "not compared")]
    staff = [("practice", "G85029", 1.234, "higher", "higher"), ("practice", "G85020", 0.9, "lower", "lower"),
             ("stp", "S1", 1.0, "similar", "not compared"), ("region", "E40000003", 1.0, "not compared", "not compared")]
    survey = [("borough", "B1", 70.0, "similar", "similar"), ("region", "E40000003", 71.0, "not compared", "not compared")]
    flag = [("pcn", "P1", 100.0, "better", "better"), ("region", "E40000003", 90.0, "not compared", "not compared")]
    tiny = [("practice", "G85029", np.nan, "not compared", "not compared"),
            ("region", "E40000003", 20.0, "not compared", "not compared")]
    return pd.concat([tidy("rate", practice_rows + areas), tidy("staff", staff, "2020-10-01"), tidy("survey", survey),
                      tidy("flag", flag), tidy("tiny", tiny)], ignore_index=True)


def the_practice(code: str = "G85029") -> pd.Series:
    frame = practices()
    return frame[frame["practice_code"] == code].iloc[0]


def test_only_indicators_with_a_practice_figure_are_compared():
    assert peers.compute_practice_indicator_ids(values()) == ["rate", "staff"]


def test_practice_levels_are_the_practice_its_pcn_borough_stp_and_london():
    levels = peers.compute_practice_levels(values(), the_practice())
    rate = levels[levels["indicator_id"] == "rate"]
    assert list(rate["level"]) == ["practice", "pcn", "borough", "stp", "region"]
    assert list(rate["area_code"]) == ["G85029", "P1", "B1", "S1", "E40000003"]
    staff = levels[levels["indicator_id"] == "staff"]
    assert list(staff["level"]) == ["practice", "stp", "region"]
    assert list(levels.columns) == peers.LEVEL_COLUMNS


def test_a_practice_with_no_row_of_its_own_is_shown_as_too_few():
    levels = peers.compute_practice_levels(values(), the_practice("F84003"))  # no staff row, no PCN
    staff = levels[(levels["indicator_id"] == "staff") & (levels["level"] == "practice")].iloc[0]
    assert np.isnan(staff["value"]) and staff["suppressed"] and staff["period"] == "2020-10-01"
    assert "pcn" not in set(levels["level"])


def test_practice_levels_table_has_one_row_per_indicator_in_words():
    table = peers.compute_practice_levels_table(peers.compute_practice_levels(values(), the_practice()), DEFINITIONS,
                                                LONDON)
    expected = pd.DataFrame({
        "Indicator": ["Name of rate", "Name of staff"],
        "Period": ["2021-01-01", "2020-10-01"],
        "Unit": ["%", "per 1,000 patients"],
        "This practice": [60.0, 1.23],
        "95% confidence interval": ["59.0 to 61.0", "0.23 to 2.23"],
        "Compared with London": ["Better than London", "Higher than London"],
        "Compared with its STP": ["Better than its STP", "Higher than its STP"],
        "Its PCN": [55.0, np.nan],
        "Its borough": [52.0, np.nan],
        "Its STP": [51.0, 1.0],
        "London": [50.0, 1.0],
        "Which way is better": ["Higher is better", "Neither higher nor lower is better"],
    })
    pd.testing.assert_frame_equal(table, expected)
    elsewhere = peers.compute_practice_levels_table(peers.compute_practice_levels(values(), the_practice()),
                                                    DEFINITIONS, ENGLAND)
    assert list(elsewhere.columns[5:11]) == ["Compared with England", "Compared with its STP", "Its PCN",
                                             "Its CCG area", "Its STP", "England"]
    assert list(elsewhere["Compared with England"]) == ["Better than England", "Higher than England"]


def test_a_suppressed_practice_is_not_compared_in_the_table():
    table = peers.compute_practice_levels_table(peers.compute_practice_levels(values(), the_practice("F84002")),
                                                DEFINITIONS, LONDON)
    rate = table[table["Indicator"] == "Name of rate"].iloc[0]
    assert np.isnan(rate["This practice"])
    assert rate["Compared with London"] == "Not compared: too few to show"


def test_indicators_without_a_practice_figure_say_why():
    missing = peers.compute_missing_practice_figures(values(), list(DEFINITIONS.values()),
                                                     {"absent": "There is no public survey."}, LONDON)
    assert dict(zip(missing["Indicator"], missing["Why there is no practice figure"])) == {
        "Name of survey": "It is measured for each borough, not for each practice.",
        "Name of flag": ("It is shown for each Primary Care Network (PCN) and larger areas: for a single practice "
                         "the figure would mean little (for example a plain yes or no)."),
        "Name of tiny": "Every practice's figure comes from numbers too small to show.",
        "Name of absent": "There is no public survey.",
    }


def test_peer_ranks_give_the_rank_and_the_spread_without_names():
    codes = ("G85029", "G85020", "G85111", "F84001", "F84002", "F84003")
    ranks = peers.compute_peer_ranks(values(), DEFINITIONS, "G85020", codes)
    assert list(ranks.columns) == list(peers.RANK_COLUMNS)
    rate = ranks.iloc[0]
    assert rate["Rank among peers"] == "joint 2nd of 5 (1st = highest)"
    assert rate["Practices with a figure"] == 5  # F84002 is too small to show
    assert (rate["Peers: lowest"], rate["Peers: median"], rate["Peers: highest"]) == (30.0, 50.0, 60.0)
    staff = ranks.iloc[1]
    assert staff["Rank among peers"] == "Not ranked: fewer than 5 practices in this group have a figure"
    assert np.isnan(staff["Peers: median"])  # too few to show a spread that could point at one practice
    assert staff["Period"] == "2020-10-01"
    assert not any(code in ranks.to_csv() for code in codes)


def test_changing_the_peer_group_changes_the_rank():
    in_stp = peers.compute_peer_ranks(values(), DEFINITIONS, "G85020", ("G85029", "G85020", "G85111"), min_count=3)
    assert in_stp.iloc[0]["Rank among peers"] == "joint 2nd of 3 (1st = highest)"


def test_indicators_that_cannot_have_a_practice_figure_are_known_before_computing():
    tables = {"t": TableSpec("t", "t.csv", "practice_code", (), "", ""),
              "survey": TableSpec("survey", "s.csv", "borough_code", (), "", ""),
              "gone": TableSpec("gone", "g.csv", "practice_code", (), "", "")}

    def on(indicator_id: str, table: str, lowest_level: str = "practice") -> IndicatorDefinition:
        return replace(definition(indicator_id, lowest_level=lowest_level), numerator=Measure(table, ("n",)))

    reasons = peers.compute_no_practice_reasons(
        [on("rate", "t"), on("survey", "survey"), on("flag", "t", "pcn"), on("absent", "gone"),
         on("lost", "gone2")],
        tables, loaded_tables={"t": None, "survey": None}, unavailable={"gone": "It is not published."},
        areas=LONDON)
    assert reasons == {
        "survey": "It is measured for each borough, not for each practice.",
        "flag": ("It is shown for each Primary Care Network (PCN) and larger areas: for a single practice the "
                 "figure would mean little (for example a plain yes or no)."),
        "absent": "It is not published.",
        "lost": "The data for 'gone2' could not be loaded; see the Data and indicators page.",
    }
