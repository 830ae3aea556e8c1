"""The facilitator passcode comes from the environment or secrets and is compared in constant time."""
import datetime as dt

import pytest

from forum.access import check_passcode, compute_retry_after, format_wait, read_facilitator_passcode
from forum.models import SESSION_THROTTLE


def test_environment_wins_over_secrets_and_blank_means_not_set():
    secrets = {"ATSCALE_FACILITATOR_PASSCODE": "from secrets"}

    assert read_facilitator_passcode({"ATSCALE_FACILITATOR_PASSCODE": "from env"}, secrets) == "from env"
    assert read_facilitator_passcode({"ATSCALE_FACILITATOR_PASSCODE": "  "}, secrets) == "from secrets"
    assert read_facilitator_passcode({}, None) is None
    assert read_facilitator_passcode({}, {"ATSCALE_FACILITATOR_PASSCODE": ""}) is None


@pytest.mark.parametrize(
    ("given", "expected", "accepted"),
    [("s3cret", "s3cret", True), ("s3cret ", "s3cret", False), ("", "s3cret", False), (None, "s3cret", False),
     ("", None, False), ("", "", False), ("pässwörd", "pässwörd", True)],
)
def test_only_the_configured_passcode_is_accepted(given, expected, accepted):
    assert check_passcode(given, expected) is accepted


def test_a_wait_counts_from_the_last_failure_and_failures_are_forgotten_in_time():
    last = dt.datetime(2019, 3, 14, 10, 0, tzinfo=dt.UTC)
    later = last + dt.timedelta(seconds=3)

    assert compute_retry_after(SESSION_THROTTLE, 2, last, later) == 0  # two typos cost nothing
    assert compute_retry_after(SESSION_THROTTLE, 5, last, later) == 1  # 4 s after the fifth, 3 s gone
    assert compute_retry_after(SESSION_THROTTLE, 10, last, later) == 897  # locked for 15 minutes
    assert compute_retry_after(SESSION_THROTTLE, 10, last, last + dt.timedelta(minutes=15)) == 0  # forgotten
    assert compute_retry_after(SESSION_THROTTLE, 4, None, later) == 0


def test_waits_are_said_in_words():
    assert [format_wait(s) for s in (1, 45, 119, 120, 900, 1800)] == [
        "1 second", "45 seconds", "119 seconds", "2 minutes", "15 minutes", "30 minutes"]
