"""The facilitator passcode: where it comes from (environment or secrets, never the repository) and how it is checked."""
import hmac
from collections.abc import Mapping

from forum.errors import PasscodeError

PASSCODE_SETTING = "ATSCALE_FACILITATOR_PASSCODE"
HOW_TO_SET_PASSCODE = (
    f"No facilitator passcode is set. Set the environment variable {PASSCODE_SETTING} before starting the app, "
    f'or add the line {PASSCODE_SETTING} = "your passcode" to .streamlit/secrets.toml (never commit that file).'
)


def read_facilitator_passcode(environ: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> str | None:
    """The configured passcode: the environment variable wins over secrets; blank counts as not set."""
    for source in (environ, secrets or {}):
        value = source.get(PASSCODE_SETTING)
        if isinstance(value, str) and value.strip():
            return value
    return None


def check_passcode(given: str | None, expected: str | None) -> bool:
    """True only when a passcode is configured and `given` matches it (constant-time comparison)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def verify_passcode(given: str | None, expected: str | None) -> None:
    """Raise PasscodeError unless `given` matches the configured passcode."""
    if not expected:
        raise PasscodeError(HOW_TO_SET_PASSCODE)
    if not check_passcode(given, expected):
        raise PasscodeError("That passcode is not right. Nothing was changed.")
