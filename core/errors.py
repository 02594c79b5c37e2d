"""Domain errors raised by services and shown to users as messages."""


class DomainError(Exception):
    """A rule of the domain refused the change; the message is for the user."""


class StaleEditError(DomainError):
    """Someone else saved the record after this user opened it (optimistic locking). `current_version` is
    the version stored now: a form shown again with it lets the user look, then deliberately save over."""

    def __init__(self, message: str, current_version: int | None = None, summary: str | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.summary = summary or message  # who changed what, without what a form should do next
