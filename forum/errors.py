"""Errors raised by the forum store, worded for the person at the table or the facilitator.

No message names a server path, a database address or a driver's own error text: those go to the server log.
"""
from indicators.errors import AtscaleError


class ForumError(AtscaleError):
    """Base class: the message is shown to the user as it is."""


class ForumInputError(ForumError, ValueError):
    """One answer field is not acceptable; `field` names it (e.g. "next_steps")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class EventNotFoundError(ForumError, LookupError):
    """The forum event does not exist (never created, or deleted)."""


class LinkNotFoundError(ForumError, LookupError):
    """A table or plenary link is not known: mistyped, cut short, withdrawn, or its event was deleted."""


class LinkRevokedError(LinkNotFoundError):
    """The facilitator withdrew this table link (and may have given the table a new one)."""


class TableLimitError(ForumError):
    """The table sent too many answers: too fast (`retry_after_seconds` > 0) or too many for one event."""

    def __init__(self, message: str, retry_after_seconds: int = 0):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PasscodeError(ForumError, PermissionError):
    """The facilitator passcode is missing from the settings or does not match."""


class PasscodeLockedError(PasscodeError):
    """Too many wrong passcodes: no attempt is checked for `retry_after_seconds`."""

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class ForumStorageError(ForumError):
    """The forum database could not be reached or refused a write; nothing was half-saved."""
