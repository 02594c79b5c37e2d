"""Reads for the coordination screens: an OPD's inbox, the consolidation matrix, the graduation queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, cast

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd, User
from coordination.filters import ReferralFilter
from coordination.models import GraduationProposal, Need, Referral, ReferralQuerySet
from core import permissions
from households.models import Household, Kelurahan

INBOX_PAGE_SIZE = 50
CONSOLIDATION_PAGE_SIZE = 50
DECIDED_SHOWN = 50
# What ReferralQuerySet.open() selects and Referral.is_open means, for annotations, counts and grouped rows.
OPEN_STATUSES = (Referral.Status.SENT, Referral.Status.ACCEPTED)
OPEN = Q(status__in=OPEN_STATUSES)


class InboxCounts(TypedDict):
    """How many referrals each tab of the inbox holds."""

    open: int
    sent: int
    accepted: int
    declined: int
    fulfilled: int
    overdue: int


@dataclass(frozen=True)
class Inbox:
    opd: Opd | None  # whose inbox: the caseworker's OPD, the one a supervisor chose, or None for every OPD
    tab: str  # "open", "all" or a referral status
    counts: InboxCounts  # over every tab, within the chosen OPD and place
    page: Page[Referral]  # the chosen tab's referrals, overdue first


def inbox(*, user: User, filters: ReferralFilter, page_number: str | None = None) -> Inbox:
    """Referrals addressed to the user's OPD (a supervisor's: any OPD, or the one chosen), in the chosen place,
    with each tab's count; one page of the chosen tab. Three queries whatever the number of referrals (and the
    caseworker's OPD, unless the user came with it).

    `filters` is bound to the request's filters: an invalid one lists nothing (core.filters.StrictFilterSet)."""
    today = timezone.localdate()
    supervisor = permissions.is_supervisor(user)
    referrals = cast(ReferralQuerySet, filters.qs)  # Referral.objects, narrowed by OPD (supervisors) and place
    if not supervisor:
        referrals = referrals.filter(opd_id=user.opd_id)
    counts = referrals.order_by().aggregate(
        open=Count("id", filter=OPEN),
        sent=Count("id", filter=Q(status=Referral.Status.SENT)),
        accepted=Count("id", filter=Q(status=Referral.Status.ACCEPTED)),
        declined=Count("id", filter=Q(status=Referral.Status.DECLINED)),
        fulfilled=Count("id", filter=Q(status=Referral.Status.FULFILLED)),
        overdue=Count("id", filter=OPEN & Q(due_on__lt=today)),
    )
    tab = filters.chosen("status") or "open"
    listed = referrals
    if filters.chosen("overdue"):
        listed = listed.overdue(today)
    if tab == "open":
        listed = listed.open()
    elif tab != "all":
        listed = listed.filter(status=tab)
    overdue = Case(
        When(OPEN & Q(due_on__lt=today), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    # Overdue first, then by due date. Within one status tab that is simply the due date (every overdue referral
    # is due before every other open one), which the index (opd, status, due_on) serves; only "all" mixes
    # closed referrals past their date with open ones and sorts by the computed flag.
    order = ("-overdue", "due_on", "id") if tab == "all" else ("due_on", "id")
    listed = (
        listed.select_related("household__kelurahan", "person", "opd", "assigned_to")
        .annotate(overdue=overdue)
        .order_by(*order)
    )
    return Inbox(
        opd=filters.chosen("opd") if supervisor else user.opd,
        tab=tab,
        counts=cast(InboxCounts, counts),
        page=Paginator(listed, INBOX_PAGE_SIZE).get_page(page_number),
    )


# The state a consolidation cell shows when a need has several referrals: the most pressing one.
CELL_ORDER = ["overdue", "sent", "accepted", "declined", "fulfilled"]


@dataclass
class Cell:
    """The referrals of one household for one need: their most pressing state, and how many there are."""

    state: str  # "overdue" or a referral status
    count: int

    @property
    def label(self) -> str:
        """The state in the statuses' own words (the inbox and referral pages use them too), or "Terlambat"."""
        return str(CELL_LABELS.get(self.state, CELL_LABELS[Referral.Status.FULFILLED]))


CELL_LABELS = {"overdue": _("Terlambat"), **dict(Referral.Status.choices)}


MatrixRow = tuple[Household, list[tuple[Need, Cell | None]]]  # a household and, for each need, its cell


@dataclass(frozen=True)
class Consolidation:
    page: Page[Household]
    matrix: list[MatrixRow]  # the page's households


def default_kelurahan() -> Kelurahan | None:
    """The kelurahan the matrix opens on when none is chosen."""
    return Kelurahan.objects.filter(name="Kameloh Baru").first() or Kelurahan.objects.first()


def consolidation_households(kelurahan: Kelurahan | None, opd: Opd | None = None) -> QuerySet[Household]:
    """The active households of a kelurahan (none without one), what needs attention first: those with overdue
    referrals (to the OPD, or to any), then those with open ones, then by head's name."""
    if kelurahan is None:
        return Household.objects.none()
    to_opd = Q() if opd is None else Q(referrals__opd=opd)
    open_referral = to_opd & Q(referrals__status__in=OPEN_STATUSES)
    households: QuerySet[Household] = (
        Household.objects.active()
        .filter(kelurahan=kelurahan)
        .annotate(
            overdue_referrals=Count("referrals", filter=open_referral & Q(referrals__due_on__lt=timezone.localdate())),
            open_referrals=Count("referrals", filter=open_referral),
        )
        .order_by("-overdue_referrals", "-open_referrals", "head_name", "id")
    )
    return households


def consolidation_cells(households: list[Household], opd: Opd | None) -> dict[int, dict[str, Cell]]:
    """For each household and need: the state of its referrals (to one OPD, or to any), the most pressing first.
    One query, grouped in the database."""
    referrals = Referral.objects.filter(household__in=households)
    if opd is not None:
        referrals = referrals.filter(opd=opd)
    today = timezone.localdate()
    cells: dict[int, dict[str, Cell]] = {h.pk: {} for h in households}
    grouped = referrals.values_list("household_id", "need", "status", "due_on").annotate(n=Count("id")).order_by()
    for household_id, need, status, due_on, count in grouped:
        state = "overdue" if status in OPEN_STATUSES and due_on < today else status
        cell = cells[household_id].setdefault(need, Cell(state=state, count=0))
        cell.count += count
        if CELL_ORDER.index(state) < CELL_ORDER.index(cell.state):
            cell.state = state
    return cells


def consolidation_matrix(households: list[Household], opd: Opd | None) -> list[MatrixRow]:
    """Each household with one cell per need (None: no referral for it), in the order of Need."""
    cells = consolidation_cells(households, opd)
    return [(household, [(need, cells[household.pk].get(need.value)) for need in Need]) for household in households]


def consolidation(*, kelurahan: Kelurahan | None, opd: Opd | None, page_number: str | None = None) -> Consolidation:
    """One page of a kelurahan's households × needs (referrals to one OPD, or to any): three queries."""
    page = Paginator(consolidation_households(kelurahan, opd), CONSOLIDATION_PAGE_SIZE).get_page(page_number)
    return Consolidation(page=page, matrix=consolidation_matrix(list(page), opd))


@dataclass(frozen=True)
class GraduationQueue:
    pending: QuerySet[GraduationProposal]  # waiting for a decision, newest first
    decided: QuerySet[GraduationProposal]  # the latest decisions


def graduation_queue() -> GraduationQueue:
    """The proposals a Dinsos supervisor decides, and the latest decided: two queries."""
    proposals = GraduationProposal.objects.all()
    return GraduationQueue(
        pending=proposals.filter(status=GraduationProposal.Status.PENDING).select_related(
            "household__kelurahan", "proposed_by"
        ),
        decided=proposals.exclude(status=GraduationProposal.Status.PENDING).select_related("household", "decided_by")[
            :DECIDED_SHOWN
        ],
    )
