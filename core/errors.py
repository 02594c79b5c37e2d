"""Domain errors raised by services and shown to users as messages."""

from django.utils.translation import gettext_lazy as _

# What the API adds to a refusal of a stale version (api/problems.py); the field app leaves it out, as it shows both
# versions instead (cases/offline.py).
STALE_API_ADVICE = _(
    "Perubahan Anda belum disimpan. Baca data ini lagi (ETag baru), periksa, lalu kirim dengan If-Match itu."
)


class DomainError(Exception):
    """A rule of the domain refused the change; the message is for the user."""


class StaleEditError(DomainError):
    """Someone else saved the record after this user opened it (optimistic locking). `current_version` is
    the version stored now: a form shown again with it lets the user look, then deliberately save over."""

    def __init__(self, message: str, current_version: int | None = None, summary: str | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.summary = summary or message  # who changed what, without what a form should do next
