"""Reads for account administration: the OPDs with their numbers, the users with who is locked out."""

from __future__ import annotations

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from accounts.filters import UserFilter
from accounts.models import Opd, User

USER_PAGE_SIZE = 50


def opds() -> QuerySet[Opd]:
    """Every OPD, active ones first, with its active users and its programmes (all, and active) counted: one
    query. The counts are distinct: the two joins multiply each other's rows."""
    return Opd.objects.order_by("-is_active", "short_name").annotate(
        user_count=Count("users", filter=Q(users__is_active=True), distinct=True),
        program_count=Count("programs", distinct=True),
        active_program_count=Count("programs", filter=Q(programs__is_active=True), distinct=True),
    )


@dataclass(frozen=True)
class UserPage:
    page: Page[User]
    locked: set[str]  # the usernames on this page locked out by failed sign-ins


def users(*, filters: UserFilter, page_number: str | None = None) -> UserPage:
    """One page of the accounts the filters choose (none when one is invalid), active first, by OPD and name,
    and which of them are locked out: three queries (count, page, locks)."""
    accounts: QuerySet[User] = filters.qs
    page = Paginator(
        accounts.select_related("opd").order_by("-is_active", "opd__short_name", "username"), USER_PAGE_SIZE
    ).get_page(page_number)
    locked = AccessAttempt.objects.filter(
        username__in=[account.username for account in page], failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).values_list("username", flat=True)
    return UserPage(page=page, locked=set(locked))
