"""Reads of the case pages: the registry, the case file and a caseworker's day. Views parse input, call one of
these and render; each has its query count pinned in tests/cases/test_selectors.py."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from audit.models import ChangeLog
from cases.filters import HouseholdFilter
from coordination.models import DtsenProposal, GraduationProposal, Referral
from core.permissions import is_caseworker
from dashboard.models import Tally
from dashboard.tallies import Measure
from households.models import Household, HouseholdStatusChange, Person, Ranking, Relation, Visit
from interventions.models import Intervention
from interventions.rules import programs_for

if TYPE_CHECKING:
    from accounts.models import Opd, User

REGISTRY_PAGE_SIZE = 25
# Filters the tallies can answer (the archive filter left at its default: active households only).
TALLIED_FILTERS = {"kecamatan", "kelurahan", "priority", "status"}
TALLIED_STATUSES = {
    Household.Status.EXTREME_POOR: Measure.EP_HOUSEHOLDS,
    Household.Status.PROPOSED: Measure.PENDING_HOUSEHOLDS,
    Household.Status.GRADUATED: Measure.GRADUATED,
}


@dataclass
class RegistryPage:
    filterset: HouseholdFilter
    page: Page[Household]
    # households, extreme_poor (persons), served (persons) and pending (persons of households waiting for
    # verification, as the dashboard counts them) of the whole filtered list, not just this page.
    totals: dict[str, int]


def registry_filter(data: Any) -> HouseholdFilter:
    """The registry's filters bound to `data` (query string plus the search words kept in the session)."""
    households = Household.objects.select_related("kelurahan__kecamatan").order_by("-id")
    return HouseholdFilter(data, queryset=households)


def registry_page(filterset: HouseholdFilter, page_number: str | None) -> RegistryPage:
    """One page of the filtered registry with the list's totals, in a constant number of queries."""
    totals = registry_totals(filterset)
    paginator = Paginator(filterset.qs, REGISTRY_PAGE_SIZE)
    paginator.count = totals["households"]  # known already: no second COUNT(*)
    return RegistryPage(filterset=filterset, page=paginator.get_page(page_number), totals=totals)


def registry_totals(filterset: HouseholdFilter) -> dict[str, int]:
    """The list's totals from the dashboard's tallies when they can answer (only place and status filters, as
    on the registry's first page) — the numbers the households' rows give, without reading every household;
    else one pass over the filtered rows."""
    tallied = tallied_totals(filterset)
    if tallied is not None:
        return tallied
    counted: dict[str, int] = filterset.qs.order_by().aggregate(
        households=Count("id"),
        extreme_poor=Coalesce(Sum("extreme_poor_count", filter=Q(status=Household.Status.EXTREME_POOR)), 0),
        served=Coalesce(Sum("served_count", filter=Q(status=Household.Status.EXTREME_POOR)), 0),
        pending=Coalesce(Sum("extreme_poor_count", filter=Q(status=Household.Status.PROPOSED)), 0),
    )
    return counted


def tallied_totals(filterset: HouseholdFilter) -> dict[str, int] | None:
    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    chosen = {name for name, value in data.items() if value not in (None, "", []) and name != "sort"}
    statuses = set(data.get("status") or [])
    if not chosen <= TALLIED_FILTERS or not statuses <= TALLIED_STATUSES.keys():
        return None
    tallies = Tally.objects.all()
    if data.get("kelurahan"):
        tallies = tallies.filter(kelurahan=data["kelurahan"])
    if data.get("kecamatan"):
        tallies = tallies.filter(kelurahan__kecamatan=data["kecamatan"])
    if data.get("priority") is not None:
        tallies = tallies.filter(kelurahan__is_priority_locus=data["priority"])
    households = [TALLIED_STATUSES[status] for status in statuses] or [Measure.HOUSEHOLDS]
    with_persons = not statuses or Household.Status.EXTREME_POOR in statuses
    persons = [Measure.EP_PERSONS, Measure.SERVED_PERSONS] if with_persons else []
    if not statuses or Household.Status.PROPOSED in statuses:
        persons.append(Measure.PENDING_PERSONS)  # the dashboard's "… jiwa menunggu verifikasi"
    sums = dict(tallies.filter(measure__in=households + persons).values_list("measure").annotate(n=Sum("n")).order_by())
    return {
        "households": sum(sums.get(measure, 0) for measure in households),
        "extreme_poor": sums.get(Measure.EP_PERSONS, 0),
        "served": sums.get(Measure.SERVED_PERSONS, 0),
        "pending": sums.get(Measure.PENDING_PERSONS, 0),
    }


RELATION_ORDER = {value: rank for rank, value in enumerate(Relation.values)}


def _member_order(person: Person) -> tuple[bool, int, datetime.date]:
    """Active members first, the head first, then by relation and age."""
    return (
        person.status != Person.Status.ACTIVE,
        RELATION_ORDER.get(person.relation, 99),
        person.birth_date or datetime.date.max,
    )


@dataclass
class MemberRow:
    person: Person
    by_opd: list[tuple[Opd, list[Intervention]]]
    delivered: bool  # has received at least one delivered intervention


@dataclass
class CaseFile:
    """Everything the case file shows: what every OPD has done for this family, and what is still missing."""

    household: Household
    member_rows: list[MemberRow]
    household_interventions: list[Intervention]
    visits: list[Visit]  # each with `offline_note`: when and how it came from the field app, or ""
    status_changes: QuerySet[HouseholdStatusChange]
    rankings: QuerySet[Ranking]  # national lists, newest first
    history: QuerySet[ChangeLog]
    referrals: QuerySet[Referral]
    pending_proposal: GraduationProposal | None
    dtsen_proposals: QuerySet[DtsenProposal]  # newest first
    can_record: bool
    lacks_programs: bool  # a caseworker whose OPD has no active programme: told why nothing can be recorded
    active_member_count: int = field(init=False)
    waiting_count: int = field(init=False)  # active members still waiting for their first delivery

    def __post_init__(self) -> None:
        active = [row for row in self.member_rows if row.person.status == Person.Status.ACTIVE]
        self.active_member_count = len(active)
        household_delivered = any(i.status == Intervention.Status.DELIVERED for i in self.household_interventions)
        self.waiting_count = 0 if household_delivered else sum(1 for row in active if not row.delivered)


HISTORY_ROWS = 30
# The change log's source of a write the field app sent (api.http.offline_source): "offline · dicatat … · dikirim …".
OFFLINE_SOURCE = "offline · "


def _offline_notes(household_id: int) -> dict[tuple[str, int], str]:
    """(model, id) -> "dicatat … · dikirim …" for this case's visits and interventions written from the field app
    without signal (the latest write of each), in one query."""
    notes: dict[tuple[str, int], str] = {}
    rows = (
        ChangeLog.objects.for_case(household_id)
        .filter(source__startswith=OFFLINE_SOURCE, content_type__model__in=("visit", "intervention"))
        .order_by("at", "id")
        .values_list("content_type__model", "object_id", "source")
    )
    for model, object_id, source in rows:
        notes[(model, object_id)] = source.removeprefix(OFFLINE_SOURCE)
    return notes


def case_file_households() -> QuerySet[Household]:
    """The households a case file is read from: with the place and who registered it, and the graduation proposal
    awaiting a decision, if any (so the case file reads the proposal only when there is one)."""
    pending = GraduationProposal.objects.filter(household=OuterRef("pk"), status=GraduationProposal.Status.PENDING)
    households: QuerySet[Household] = Household.objects.select_related("kelurahan__kecamatan", "created_by")
    return households.annotate(pending_proposal_pk=Subquery(pending.values("pk")[:1]))


def _pending_proposal(household: Household) -> GraduationProposal | None:
    """The graduation proposal awaiting a decision. A household from `case_file_households()` says whether there is
    one, so it is read only then; any other household is looked up."""
    if not hasattr(household, "pending_proposal_pk"):
        proposals = household.graduation_proposals.filter(status=GraduationProposal.Status.PENDING)
        return proposals.select_related("proposed_by").first()
    pk: int | None = household.pending_proposal_pk
    return GraduationProposal.objects.select_related("proposed_by").get(pk=pk) if pk else None


RANKING_ROWS = 12  # three years of quarterly DTSEN lists


def case_file(household: Household, user: User) -> CaseFile:
    """The case file of `household` (from `case_file_households()`, already authorized for `user`), in a number of
    queries that does not grow with its members, interventions, visits or history."""
    members = sorted(household.members.all(), key=_member_order)
    # One query for every intervention the page lists: each member's (whichever household recorded it) and the
    # household's own, in the order the page shows them.
    received: dict[int | None, list[Intervention]] = defaultdict(list)
    for intervention in (
        Intervention.objects.select_related("program", "opd")
        .filter(Q(person__in=[member.pk for member in members]) | Q(household=household, person__isnull=True))
        .order_by("opd__short_name", "program__name", "-planned_on")
    ):
        received[intervention.person_id].append(intervention)
    member_rows = [
        MemberRow(
            person=member,
            by_opd=[(opd, list(items)) for opd, items in groupby(received[member.pk], key=lambda i: i.opd)],
            delivered=any(i.status == Intervention.Status.DELIVERED for i in received[member.pk]),
        )
        for member in members
    ]
    has_programs = programs_for(user).exists()
    offline = _offline_notes(household.pk)
    for intervention in (each for items in received.values() for each in items):
        intervention.offline_note = offline.get(("intervention", intervention.pk), "")  # type: ignore[attr-defined]
    visits = list(household.visits.select_related("caseworker__opd").order_by("-visited_on", "-id"))
    for visit in visits:
        visit.offline_note = offline.get(("visit", visit.pk), "")  # type: ignore[attr-defined]
    return CaseFile(
        household=household,
        member_rows=member_rows,
        household_interventions=received[None],
        visits=visits,
        status_changes=household.status_changes.select_related("changed_by"),
        rankings=household.rankings.order_by("-as_of", "-id")[:RANKING_ROWS],
        history=ChangeLog.objects.for_case(household.pk).select_related("actor", "content_type")[:HISTORY_ROWS],
        referrals=household.referrals.select_related("opd", "person").order_by("status", "due_on"),
        pending_proposal=_pending_proposal(household),
        dtsen_proposals=household.dtsen_proposals.select_related("person").order_by("-proposed_at", "-id")[
            :RANKING_ROWS
        ],
        # An archived household is read-only: no case-work action is offered (its views refuse them too).
        can_record=not household.is_archived and has_programs,
        lacks_programs=not household.is_archived and is_caseworker(user) and not has_programs,
    )


@dataclass
class MyWork:
    """A caseworker's day: follow-ups due within a week, my OPD's open interventions, households I visited."""

    follow_ups: QuerySet[Visit]
    open_interventions: QuerySet[Intervention]
    recent_visits: QuerySet[Visit]
    has_programs: bool  # the bulk recording is offered; otherwise a caseworker is told why not


def my_work(user: User, today: datetime.date) -> MyWork:
    later_visit = Visit.objects.filter(household=OuterRef("household"), visited_on__gt=OuterRef("visited_on"))
    return MyWork(
        follow_ups=Visit.objects.filter(caseworker=user, next_follow_up_on__lte=today + datetime.timedelta(days=7))
        .exclude(Exists(later_visit))
        .select_related("household__kelurahan")
        .order_by("next_follow_up_on")[:100],
        open_interventions=Intervention.objects.open()
        .filter(opd_id=user.opd_id)
        .select_related("program", "person", "household__kelurahan")
        .order_by("planned_on", "id")[:100],
        recent_visits=Visit.objects.filter(caseworker=user, visited_on__gte=today - datetime.timedelta(days=30))
        .select_related("household__kelurahan")
        .order_by("-visited_on", "-id")[:50],
        has_programs=programs_for(user).exists(),
    )
