"""Domain errors raised by services and shown to users as messages."""


class DomainError(Exception):
    """A rule of the domain refused the change; the message is for the user."""


class StaleEditError(DomainError):
    """Someone else saved the record after this user opened it (optimistic locking)."""
