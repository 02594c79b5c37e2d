"""Reads of the API that are more than a list: the caseload a caseworker takes to the field (the offline
client keeps it in the phone's IndexedDB until it expires, is wiped on sign-out, or is fetched again)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from coordination.models import NEED_SCOPE, Need, Referral
from core.errors import DomainError
from core.permissions import is_supervisor
from households.models import Household, Kelurahan, Person, Visit
from interventions.models import Intervention, Program
from interventions.rules import programs_for

if TYPE_CHECKING:
    from accounts.models import User

# "Kasus saya": households the caller visited this recently, ...
MINE_VISITED_DAYS = 90
# ... or whose follow-up (set at the caller's latest visit) falls due within this many days, as "Pekerjaan saya".
MINE_FOLLOW_UP_DAYS = 7
LAST_VISITS = 3  # per household: what the caseworker reads before knocking


def max_households() -> int:
    return int(getattr(settings, "OFFLINE_MAX_HOUSEHOLDS", 300))


def keep_days() -> int:
    return int(getattr(settings, "OFFLINE_KEEP_DAYS", 7))


class CaseloadTooLarge(DomainError):
    """More households than a phone should carry: choose a kelurahan, or narrow to one's own cases."""


@dataclass
class Caseload:
    generated_at: datetime.datetime
    expires_at: datetime.datetime
    keep_days: int
    user: User
    purposes: list[tuple[str, str]]
    needs: list[tuple[str, str]]
    need_scopes: dict[str, dict[str, Any]]
    programs: list[Program]
    households: list[Household]


def _mine(user: User, today: datetime.date) -> Q:
    """The caller's cases: visited in the last 90 days, a follow-up of theirs due within a week, a referral
    assigned to them still open, or an open intervention of their OPD."""
    household = OuterRef("pk")
    mine = Q(
        Exists(
            Visit.objects.filter(
                household=household,
                caseworker=user,
                visited_on__gte=today - datetime.timedelta(days=MINE_VISITED_DAYS),
            )
        )
    )
    mine |= Q(
        Exists(
            Visit.objects.filter(
                household=household,
                caseworker=user,
                next_follow_up_on__lte=today + datetime.timedelta(days=MINE_FOLLOW_UP_DAYS),
                visited_on__gte=OuterRef("last_visit_on"),  # set at the household's latest visit: still open
            )
        )
    )
    mine |= Q(Exists(Referral.objects.open().filter(household=household, assigned_to=user)))
    if user.opd_id is not None:
        mine |= Q(Exists(Intervention.objects.open().filter(household=household, opd_id=user.opd_id)))
    return mine


def offline_households(
    *, user: User, kelurahan: Kelurahan | None, mine: bool, today: datetime.date
) -> QuerySet[Household]:
    """The households (not archived) of `kelurahan` and/or the caller's own, with what a visit needs: active
    members, open referrals, the last visits and the open interventions the caller's OPD delivers (a supervisor:
    every OPD's), each read in one query whatever the number of households."""
    households = Household.objects.active().select_related("kelurahan")
    if kelurahan is not None:
        households = households.filter(kelurahan=kelurahan)
    if mine:
        households = households.filter(_mine(user, today))
    interventions = Intervention.objects.open().select_related("program").order_by("planned_on", "id")
    if not is_supervisor(user):
        interventions = interventions.filter(opd_id=user.opd_id)
    return households.order_by("kelurahan__name", "head_name", "id").prefetch_related(
        Prefetch("members", queryset=Person.objects.active().order_by("id"), to_attr="active_members"),
        Prefetch(
            "referrals",
            queryset=Referral.objects.open().select_related("opd").order_by("due_on", "id"),
            to_attr="open_referrals",
        ),
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("caseworker").order_by("-visited_on", "-id")[:LAST_VISITS],
            to_attr="last_visits",
        ),
        Prefetch("interventions", queryset=interventions, to_attr="offline_interventions"),
    )


def need_scopes() -> dict[str, dict[str, Any]]:
    """To whom each need applies (coordination.models.NEED_SCOPE), so the phone offers per member only the
    needs the server will accept for them."""
    return {
        need.value: {
            "household": scope.household,
            "min_age": scope.min_age,
            "max_age": scope.max_age,
            "who": str(scope.who),
        }
        for need, scope in NEED_SCOPE.items()
    }


def offline_caseload(
    *, user: User, kelurahan: Kelurahan | None, mine: bool, now: datetime.datetime, today: datetime.date
) -> Caseload:
    """What the phone keeps for a day in the field, in a fixed number of queries. More than
    OFFLINE_MAX_HOUSEHOLDS households is refused rather than cut short: a caseworker must know what is missing."""
    limit = max_households()
    households = list(offline_households(user=user, kelurahan=kelurahan, mine=mine, today=today)[: limit + 1])
    if len(households) > limit:
        raise CaseloadTooLarge(
            _(
                "Terlalu banyak rumah tangga untuk dibawa ke ponsel (lebih dari %(limit)d). Pilih kelurahan, atau "
                "saring dengan kasus saya (mine=1)."
            )
            % {"limit": limit}
        )
    days = keep_days()
    return Caseload(
        generated_at=now,
        expires_at=now + datetime.timedelta(days=days),
        keep_days=days,
        user=user,
        purposes=[(value, str(label)) for value, label in Visit.Purpose.choices],
        needs=[(value, str(label)) for value, label in Need.choices],
        need_scopes=need_scopes(),
        programs=list(programs_for(user).order_by("name", "id")),
        households=households,
    )
