"""indicators/change_points.py: config change points are read into dates in order, and bad ones are named."""
from datetime import date

import pytest

from indicators.change_points import ChangePoint, parse_change_points
from indicators.errors import ConfigError


def test_dates_and_month_text_become_the_first_of_the_month_in_order():
    raw = [{"period": "2021-07", "reason": "a new contract"},
           {"period": date(2020, 3, 23), "reason": " the COVID-19 pandemic "}]
    assert parse_change_points(raw) == (ChangePoint("2020-03-01", "the COVID-19 pandemic"),
                                        ChangePoint("2021-07-01", "a new contract"))


def test_no_change_points_is_an_empty_tuple():
    assert parse_change_points(None) == ()
    assert parse_change_points([]) == ()


@pytest.mark.parametrize(("raw", "words"), [
    ({"period": "2020-03-01"}, "must be a list of entries with a period and a reason"),
    (["2020-03-01"], "entry 1: each change point needs a period"),
    ([{"period": "2020-03-01"}], "entry 1: the field 'reason' is missing"),
    ([{"reason": "x"}], "entry 1: the field 'period' is missing"),
    ([{"period": "2020-03-01", "reason": "x", "when": 1}], "entry 1: the field 'when' is not known"),
    ([{"period": "March 2020", "reason": "x"}], "period must be a date such as 2020-03-01 .* not 'March 2020'"),
    ([{"period": "2020-13-01", "reason": "x"}], "not '2020-13-01'"),
    ([{"period": "1889-01-01", "reason": "x"}], "from 1990 to 2100"),
    ([{"period": 202003, "reason": "x"}], "not 202003"),
    ([{"period": "2020-03-01", "reason": ""}], "reason must be a few words of text"),
    ([{"period": "2020-03-01", "reason": 7}], "reason must be a few words of text"),
    ([{"period": "2020-03-01", "reason": "x"}, {"period": "2020-03-15", "reason": "y"}],
     "entry 2: 2020-03-01 is given twice"),
])
def test_a_bad_change_point_raises_a_config_error_naming_the_entry(raw, words):
    with pytest.raises(ConfigError, match=words):
        parse_change_points(raw, "change_points")
