"""Reads for the audit trail: the change log and the access log, filtered, newest first."""

from django.db.models import QuerySet

from audit.filters import AccessLogFilter, ChangeLogFilter
from audit.models import AccessLog, ChangeLog


def changes(*, filters: ChangeLogFilter) -> QuerySet[ChangeLog]:
    """The change log entries the filters choose (none when one is invalid), newest first, with who made them
    and what kind of record they changed: one query a page, and one for the count."""
    entries: QuerySet[ChangeLog] = filters.qs
    return entries.select_related("actor", "content_type").order_by("-at", "-id")


def accesses(*, filters: AccessLogFilter) -> QuerySet[AccessLog]:
    """The access log entries the filters choose (none when one is invalid), newest first, with who looked."""
    entries: QuerySet[AccessLog] = filters.qs
    return entries.select_related("actor", "content_type").order_by("-at", "-id")
