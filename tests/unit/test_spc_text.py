"""indicators/spc_text.py: the sentences say what the SPC chart says, for hand-made and many random series."""
import math
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.change_points import ChangePoint
from indicators.readability import MAX_READING_GRADE, compute_reading_grade, split_sentences
from indicators.spc import MOVED_ICON, compute_spc
from indicators.spc_text import compute_signal_spans, describe_spc

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
NAMED_MONTH = re.compile(rf"\b({'|'.join(MONTH_NAMES)}) (\d{{4}})\b")
HIGH_WORDS = {"rose", "above", "higher", "rising"}
LOW_WORDS = {"fell", "below", "lower", "falling"}
CHANGE_WORDS = ("worked out", "Before ", "Since ")
RETURNED = "returned to its usual range"


def months(count: int, start_year: int = 2019) -> list[str]:
    return [f"{start_year + offset // 12}-{offset % 12 + 1:02d}-01" for offset in range(count)]


def percent(value: float) -> str:
    return f"{value:,.1f}%"


def named_periods(sentence: str) -> list[str]:
    return [date(int(year), MONTH_NAMES.index(name) + 1, 1).isoformat()
            for name, year in NAMED_MONTH.findall(sentence)]


def check_text_against_result(result, text: str) -> None:
    """Every named month is a signal month (or a change point's month, in the sentence about it); direction words
    agree with the flagged values; "returned to its usual range" only when the latest value is back inside."""
    points = {point.period: point for point in result.points}
    segments = result.segments
    change_months = {segment.start_period for segment in segments if segment.change_point is not None}
    for sentence in split_sentences(text):
        words = set(re.findall(r"[a-z]+", sentence.lower()))
        named = named_periods(sentence)
        if any(marker in sentence for marker in CHANGE_WORDS):
            assert set(named) <= change_months, sentence
            assert not words & (HIGH_WORDS | LOW_WORDS), sentence
            continue
        for period in named:
            assert points[period].special_cause, f"{period} is named but is no signal: {sentence}"
        high, low = bool(words & HIGH_WORDS), bool(words & LOW_WORDS)
        assert not (high and low), sentence
        if named:
            assert high or low, sentence
            side = "high" if high else "low"
            for period in named:
                point = points[period]
                assert point.side == side, f"{period} is {point.side} but the sentence says {side}: {sentence}"
                mean = segments[point.segment].mean
                on_its_side = point.value > mean if side == "high" else point.value < mean
                assert on_its_side or "trend" in point.rules, sentence
        if "still" in words:  # the latest value's sentence
            latest = result.latest_point
            assert latest.special_cause
            assert (high and latest.side == "high") or (low and latest.side == "low"), sentence
    latest, segment = result.latest_point, result.latest_segment
    back_inside = (latest is not None and segment.enough_points and not latest.special_cause
                   and segment.lower_limit <= latest.value <= segment.upper_limit
                   and bool(compute_signal_spans(result)))
    assert (RETURNED in text) == back_inside, text


def test_a_fall_and_recovery_names_the_months_and_says_it_returned():
    # 8, 12 seven times, 10, then -16 (below the lower limit) and two ordinary values after it.
    values = [8, 12] * 7 + [10, -16, 12, 8]
    result = compute_spc(months(len(values)), values, direction="higher_is_better")
    assert describe_spc(result, "the number of appointments") == (
        "The number of appointments fell further than normal variation would explain in April 2020: special cause, "
        "concerning. It has since returned to its usual range (common cause variation).")
    assert describe_spc(result, "the number of appointments", plain=True) == (
        "The number of appointments fell more than usual in April 2020. It has since returned to its usual range.")


def test_a_run_that_is_still_going_on_is_said_to_be_still_there():
    values = [14, 10] * 4 + [13] * 7  # the run test of test_spc.py: the last seven are a run above the mean
    result = compute_spc(months(15), values, direction="lower_is_better", target=11)
    assert describe_spc(result, "waiting time", format_value=lambda value: f"{value:.1f} days") == (
        "Waiting time stayed above its mean (7 points in a row) from September 2019 to March 2020: special cause, "
        "concerning. The latest point is still a special cause on the higher side, concerning. Whether it will meet "
        "the target of 11.0 days reliably is not assessed: it has moved (its latest value is part of a run or trend), "
        "so the process limits (6.6 days to 18.4 days) describe it before it moved; a change point would re-base "
        "them.")
    assert describe_spc(result, "waiting time", plain=True, format_value=lambda value: f"{value:.0f} days") == (
        "Waiting time stayed higher than usual from September 2019 to March 2020. The latest figure is still "
        "higher than usual. That is a change for the worse. It has changed, so it is too soon to say if it will "
        "meet the target of 11 days every time.")


def test_a_rising_trend_is_said_to_rise_steadily():
    values = [12, 8] * 4 + [7, 8, 9, 10, 11, 12, 13]
    result = compute_spc(months(15), values, direction="neither")
    assert describe_spc(result, "the share of staff").startswith(
        "The share of staff rose steadily (7 points in a row) from September 2019 to March 2020. The latest point is "
        "still a special cause on the higher side.")
    assert "kept rising from September 2019 to March 2020." in describe_spc(result, "the share", plain=True)


def test_common_cause_only_names_no_month():
    result = compute_spc(months(15), [8, 12] * 7 + [10], direction="higher_is_better", target=-1)
    assert describe_spc(result, "coverage", format_value=percent) == (
        "Coverage shows only common cause variation: every point is within its process limits and no run, trend "
        "or pair near a limit stands out. It will consistently pass the target of -1.0%: the target lies beyond "
        "its process limits (-0.3% to 20.3%) on the good side.")
    assert describe_spc(result, "coverage", plain=True, format_value=percent) == (
        "Coverage has gone up and down only by the usual amount. If nothing changes, it should meet the target of "
        "-1.0% every time.")


def test_too_few_points_says_so_and_claims_nothing():
    result = compute_spc(months(14), [10] * 13 + [100], direction="higher_is_better", target=50)
    assert describe_spc(result, "coverage") == (
        "There are not enough points yet to tell special cause from common cause variation: 14 of 15.")
    assert describe_spc(result, "coverage", plain=True) == (
        "It is too soon to tell real change from the usual ups and downs: there are 14 of the 15 figures needed.")


def test_a_change_point_is_said_with_its_reason_and_a_short_segment_with_its_count():
    before = [10, 12] * 5 + [10, 60]
    after = [8, 12] * 7 + [40]
    periods = months(27)
    result = compute_spc(periods, before + after, direction="neither",
                         change_points=[ChangePoint(periods[12], "the COVID-19 pandemic")])
    assert describe_spc(result, "the number of appointments") == (
        "Process limits are worked out again from January 2020 because of the COVID-19 pandemic. Before January "
        "2020 there are too few points to look for signals (12 of 15). The number of appointments rose further "
        "than normal variation would explain in March 2021. The latest point is still a special cause on the "
        "higher side.")


def test_a_recent_change_point_leaves_the_latest_segment_unjudged():
    first = [8, 12] * 7 + [10]
    values = first + [30, 31, 29]
    periods = months(18)
    result = compute_spc(periods, values, direction="higher_is_better", change_points=[periods[15]])
    text = describe_spc(result, "coverage", plain=True)
    assert text.endswith("Since April 2020 it is too soon to tell: there are 3 of the 15 figures needed.")
    check_text_against_result(result, text)


def test_missing_values_are_counted_not_named():
    values = [8, 12] * 7 + [None, 10]
    result = compute_spc(months(16), values, direction="higher_is_better")
    assert describe_spc(result, "coverage").endswith("One period with no figure (suppressed or missing) is left out.")
    assert describe_spc(result, "coverage", plain=True).endswith("One figure is missing and left out.")


def test_only_the_latest_three_signals_are_named_and_the_rest_counted():
    # 9, 11 with 40, -20, 40, -20 spread through it (26 values): mean exactly 10. Moving ranges: each far-out
    # value adds 29 + 31 = 60, the other 17 are 2: (240 + 34) / 25 = 10.96; limits 10 ± 29.15, so each of the
    # four is outside on its own side and each is its own span.
    values = [9, 11] * 3 + [40] + [9, 11] * 2 + [-20] + [9, 11] * 2 + [40] + [9, 11] * 2 + [-20] + [9, 11] * 2
    result = compute_spc(months(len(values)), values, direction="neither")
    assert result.segments[0].mean_moving_range == pytest.approx(274 / 25)
    assert [(span.side, span.periods) for span in compute_signal_spans(result)] == [
        ("high", ("2019-07-01",)), ("low", ("2019-12-01",)), ("high", ("2020-05-01",)), ("low", ("2020-10-01",))]
    text = describe_spc(result, "it")
    assert len(named_periods(text)) == 3
    assert "There was also one earlier signal." in text
    check_text_against_result(result, text)


def random_series(seed: int):
    """A series with some of: a shift, a spike, a trend, missing values, a change point, a target."""
    rng = np.random.default_rng(seed)
    length = int(rng.integers(5, 40))
    values = rng.normal(100, 10, length).round(1)
    if rng.random() < 0.4:
        values[int(rng.integers(0, length)):] += rng.choice([-1, 1]) * rng.uniform(15, 40)
    if rng.random() < 0.4:
        values[int(rng.integers(0, length))] += rng.choice([-1, 1]) * rng.uniform(40, 80)
    if rng.random() < 0.3:
        start = int(rng.integers(0, length))
        values[start:] += np.arange(length - start) * rng.choice([-1, 1]) * rng.uniform(2, 6)
    if rng.random() < 0.1:
        values[:] = 50.0
    elif rng.random() < 0.15 and length >= 15:  # a zigzag ending in 7 steady steps across its mean: a trend only
        values = 100 + 5.0 * (-1) ** np.arange(length)
        values[-7:] = 100 + rng.choice([-1, 1]) * np.arange(-3, 4) * 2.0
    series = [None if rng.random() < 0.05 else float(value) for value in values]
    periods = months(length, start_year=2018)
    change_points = []
    if rng.random() < 0.4 and length > 2:
        at = int(rng.integers(1, length))
        change_points = [ChangePoint(periods[at], "a new service")]
    target = float(rng.normal(100, 25)) if rng.random() < 0.5 else None
    direction = str(rng.choice(["higher_is_better", "lower_is_better", "neither"]))
    return compute_spc(periods, series, direction=direction, change_points=change_points, target=target)


@pytest.mark.parametrize("seed", range(300))
def test_the_sentences_agree_with_the_signals_of_random_series(seed):
    result = random_series(seed)
    for plain in (False, True):
        text = describe_spc(result, "the number of appointments", plain=plain)
        check_text_against_result(result, text)
        kind = result.assurance.kind
        if kind == "consistently_fails":
            assert "fail" in text or "will not meet" in text
        elif kind == "consistently_passes":
            assert "pass" in text or "should meet" in text
        elif kind == "hit_and_miss":
            assert "hit and miss" in text or "some of the time" in text
        elif result.assurance == MOVED_ICON:  # a target, and the latest value in a run or trend
            assert {"run", "trend"} & set(result.latest_point.rules)
            assert "is not assessed" in text or "too soon to say if it will meet the target" in text
        else:
            assert "target" not in text


def test_the_random_series_cover_every_kind_of_sentence():
    texts = [describe_spc(random_series(seed), "it") for seed in range(300)]
    for words in ("further than normal variation", "stayed above its mean", "stayed below its mean",
                  "steadily", RETURNED, "still a special cause", "only common cause variation",
                  "not enough points yet", "worked out again", "too few points", "left out", "hit and miss",
                  "consistently pass", "consistently fail", "earlier signal"):
        assert any(words in text for text in texts), words


def test_the_plain_sentences_read_at_grade_8_or_below():
    grades = [compute_reading_grade(describe_spc(random_series(seed), "the number of appointments", plain=True))
              for seed in range(0, 300, 10)]
    assert max(grades) <= MAX_READING_GRADE, grades
    assert not any(math.isnan(grade) for grade in grades)


REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
APPOINTMENT_FILES = sorted(REALDATA.glob("appointments-gp-regional-csv_*.csv"))


@pytest.mark.skipif(not APPOINTMENT_FILES, reason=f"no Appointments in General Practice file in {REALDATA}")
@pytest.mark.parametrize("path", APPOINTMENT_FILES, ids=lambda path: path.stem.rsplit("_", 1)[-1])
def test_the_sentences_for_each_real_stp_say_the_2020_fall_and_the_return(path):
    raw = pd.read_csv(path, usecols=["Appointment_Month", "COUNT_OF_APPOINTMENTS"])
    monthly = raw.groupby(pd.to_datetime(raw["Appointment_Month"], format="%b%Y"))["COUNT_OF_APPOINTMENTS"].sum()
    result = compute_spc([day.date().isoformat() for day in monthly.index], monthly.tolist(), direction="neither",
                         change_points=[ChangePoint("2020-03-01", "the COVID-19 pandemic")])
    professional = describe_spc(result, "the number of appointments")
    plain = describe_spc(result, "the number of appointments", plain=True)
    for text in (professional, plain):
        check_text_against_result(result, text)
        assert "fell" in text and "April 2020" in text and RETURNED in text
    assert plain.startswith("We worked out a new usual range from March 2020 because of the COVID-19 pandemic. "
                            "Before March 2020 there are too few figures to judge. The number of appointments fell "
                            "more than usual in April 2020")
    assert compute_reading_grade(plain) <= MAX_READING_GRADE
