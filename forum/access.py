"""The facilitator passcode: where it comes from (environment or secrets, never the repository), how it is
compared, and how long a run of wrong passcodes has to wait (the counts themselves live in the database)."""
import datetime as dt
import hmac
from collections.abc import Mapping

from forum.models import ThrottleRule

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


def compute_current_failures(rule: ThrottleRule, failures: int, last_failure_at: dt.datetime | None,
                             now: dt.datetime) -> int:
    """The failures that still count: none once `forget_after_seconds` have passed since the last one."""
    if last_failure_at is None or (now - last_failure_at).total_seconds() >= rule.forget_after_seconds:
        return 0
    return failures


def compute_retry_after(rule: ThrottleRule, failures: int, last_failure_at: dt.datetime | None,
                        now: dt.datetime) -> int:
    """Whole seconds until the next passcode may be checked (0: now)."""
    failures = compute_current_failures(rule, failures, last_failure_at, now)
    if not failures or last_failure_at is None:
        return 0
    remaining = rule.wait_seconds(failures) - (now - last_failure_at).total_seconds()
    return max(0, int(-(-remaining // 1)))  # rounded up: "1 second" rather than "0 seconds" while still waiting


def format_wait(seconds: int) -> str:
    """'45 seconds', '1 minute', '15 minutes' (rounded up to whole minutes from 2 minutes on)."""
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
