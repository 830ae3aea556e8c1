"""Errors raised by the forum store, worded for the person at the table or the facilitator."""
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


class PasscodeError(ForumError, PermissionError):
    """The facilitator passcode is missing from the settings or does not match."""


class ForumStorageError(ForumError):
    """The forum database could not be reached or refused a write; nothing was half-saved."""
