"""The facilitator passcode comes from the environment or secrets and is compared in constant time."""
import pytest

from forum.access import check_passcode, read_facilitator_passcode, verify_passcode
from forum.errors import PasscodeError


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


def test_verify_explains_how_to_set_a_missing_passcode():
    with pytest.raises(PasscodeError, match="environment variable ATSCALE_FACILITATOR_PASSCODE"):
        verify_passcode("anything", None)
    with pytest.raises(PasscodeError, match="not right"):
        verify_passcode("wrong", "right")
    verify_passcode("right", "right")
