"""Every dashboard number, computed in the database from the households' summary columns (kept by the
services), the referrals, interventions and the recorded status history. A few queries, whatever the size.
"""

import datetime
from dataclasses import dataclass, field
from statistics import median

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import Opd
from coordination.models import Referral
from dashboard.models import Baseline, BaselinePerson
from households.models import Household, HouseholdStatusChange, Kecamatan, Kelurahan
from interventions.models import Intervention

EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
OPEN = [Referral.Status.SENT, Referral.Status.ACCEPTED]


class Median(Aggregate):
    """PostgreSQL's exact median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Filters:
    kecamatan: Kecamatan | None = None
    kelurahan: Kelurahan | None = None
    opd: Opd | None = None
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def start(self) -> datetime.date:
        """The trend starts here: the period's start, or twelve months back."""
        if self.period_from:
            return self.period_from.replace(day=1)
        first = self.end.replace(day=1)
        return (
            first.replace(year=first.year - 1)
            if first.month == 12
            else first.replace(year=first.year - 1, month=first.month + 1)
        )

    @property
    def end(self) -> datetime.date:
        return self.period_to or self.today

    def place(self, prefix: str = "") -> Q:
        if self.kelurahan:
            return Q(**{f"{prefix}kelurahan": self.kelurahan})
        if self.kecamatan:
            return Q(**{f"{prefix}kelurahan__kecamatan": self.kecamatan})
        return Q()

    def registry_query(self) -> dict[str, str]:
        """The same place as registry filters, for the links."""
        if self.kelurahan:
            return {"kelurahan": str(self.kelurahan.pk)}
        if self.kecamatan:
            return {"kecamatan": str(self.kecamatan.pk)}
        return {}


def households(filters: Filters) -> QuerySet[Household]:
    return Household.objects.active().filter(filters.place())


def kelurahan_map() -> dict[int, Kelurahan]:
    """All 30 kelurahan with their kecamatan: one query, shared by the tables and the filter form."""
    return {k.pk: k for k in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code")}


def by_place(filters: Filters, places: dict[int, Kelurahan]) -> list[dict]:
    """One row per kelurahan (in the chosen place), straight from the household summary columns."""
    since = filters.today - datetime.timedelta(days=30)
    rows = (
        households(filters)
        .values("kelurahan_id")
        .annotate(
            ep_households=Count("id", filter=Q(status=EP)),
            ep_persons=Coalesce(Sum("extreme_poor_count", filter=Q(status=EP)), 0),
            served_persons=Coalesce(Sum("served_count", filter=Q(status=EP)), 0),
            graduated=Count("id", filter=Q(status=GRADUATED)),
            fell_back=Count("id", filter=Q(status=EP, fell_back_at__isnull=False)),
            needs_fulfilled=Count("id", filter=Q(status=EP, referral_count__gt=0, unfulfilled_referrals=0)),
            visited=Count("id", filter=Q(status=EP, last_visit_on__gte=since)),
            overdue_follow_ups=Count("id", filter=Q(next_follow_up_on__lt=filters.today)),
        )
        .order_by()
    )
    result = []
    for row in rows:
        kelurahan = places[row["kelurahan_id"]]
        result.append({**row, "kelurahan": kelurahan, "kecamatan": kelurahan.kecamatan})
    result.sort(key=lambda r: (r["kecamatan"].code, r["kelurahan"].code))
    return result


def headline(filters: Filters, places: list[dict], opds: list[dict], baseline: Baseline | None) -> dict:
    keys = ["ep_households", "ep_persons", "served_persons", "graduated", "fell_back"]
    keys += ["needs_fulfilled", "visited", "overdue_follow_ups"]
    totals = {key: sum(row[key] for row in places) for key in keys}
    # Every referral is addressed to exactly one OPD, so the OPD table's overdue column adds up.
    totals["overdue_referrals"] = sum(row["overdue"] for row in opds)
    totals["baseline"] = baseline
    if baseline is not None and (filters.kelurahan or filters.kecamatan):
        # The stored baseline of a place: who was counted there then.
        counted = baseline.members.filter(filters.place()).aggregate(
            persons=Count("id"), households=Count("household_id", distinct=True)
        )
        totals["baseline_persons"], totals["baseline_households"] = counted["persons"], counted["households"]
    elif baseline is not None:
        totals["baseline_persons"], totals["baseline_households"] = baseline.persons, baseline.households
    return totals


def by_opd(filters: Filters) -> list[dict]:
    """Each OPD's share of the work: interventions and referrals."""
    interventions = Intervention.objects.filter(filters.place("household__"))
    referrals = Referral.objects.filter(filters.place("household__"), household__archived_at__isnull=True)
    delivered_in_period = Q(status=Intervention.Status.DELIVERED)
    if filters.period_from:
        delivered_in_period &= Q(delivered_on__gte=filters.period_from)
    if filters.period_to:
        delivered_in_period &= Q(delivered_on__lte=filters.period_to)
    if filters.opd:
        interventions = interventions.filter(opd=filters.opd)
        referrals = referrals.filter(opd=filters.opd)
    work = {
        row["opd_id"]: row
        for row in interventions.values("opd_id", "opd__short_name")
        .annotate(
            planned=Count("id", filter=Q(status=Intervention.Status.PLANNED)),
            in_progress=Count("id", filter=Q(status=Intervention.Status.IN_PROGRESS)),
            delivered=Count("id", filter=delivered_in_period),
            cancelled=Count("id", filter=Q(status=Intervention.Status.CANCELLED)),
            persons=Count("person_id", filter=delivered_in_period, distinct=True),
            amount=Coalesce(Sum("amount", filter=delivered_in_period), 0),
        )
        .order_by()
    }
    days = F("fulfilled_at") - F("sent_at")
    referral_counts = (
        referrals.values("opd_id", "opd__short_name")
        .annotate(
            received=Count("id"),
            accepted=Count("id", filter=Q(status=Referral.Status.ACCEPTED)),
            fulfilled=Count("id", filter=Q(status=Referral.Status.FULFILLED)),
            declined=Count("id", filter=Q(status=Referral.Status.DECLINED)),
            overdue=Count("id", filter=Q(status__in=OPEN, due_on__lt=filters.today)),
        )
        .order_by()
    )
    if connection.vendor == "postgresql":
        referral_counts = referral_counts.annotate(
            median_days=Median(days, filter=Q(status=Referral.Status.FULFILLED), output_field=DurationField())
        )
    flows = {row["opd_id"]: row for row in referral_counts}
    if connection.vendor != "postgresql":
        # SQLite has no median aggregate; the demo city has a handful of rows.
        durations: dict[int, list[float]] = {}
        for opd_id, sent, done in referrals.filter(status=Referral.Status.FULFILLED).values_list(
            "opd_id", "sent_at", "fulfilled_at"
        ):
            durations.setdefault(opd_id, []).append((done - sent).total_seconds())
        for opd_id, values in durations.items():
            flows[opd_id]["median_days"] = median(values)
    names = {row["opd_id"]: row["opd__short_name"] for row in [*work.values(), *flows.values()]}
    opds = [Opd(pk=pk, short_name=name) for pk, name in sorted(names.items(), key=lambda item: item[1])]
    empty_work = {"planned": 0, "in_progress": 0, "delivered": 0, "cancelled": 0, "persons": 0, "amount": 0}
    empty_flow = {"received": 0, "accepted": 0, "fulfilled": 0, "declined": 0, "overdue": 0, "median_days": None}
    rows = []
    for opd in opds:
        flow = {**empty_flow, **flows.get(opd.pk, {})}
        if flow["median_days"] is not None:
            seconds = (
                flow["median_days"].total_seconds()
                if hasattr(flow["median_days"], "total_seconds")
                else flow["median_days"]
            )
            flow["median_days"] = round(seconds / 86400, 1)
        rows.append({"opd": opd, **empty_work, **work.get(opd.pk, {}), **flow})
    return rows


def months(filters: Filters) -> list[datetime.date]:
    current, result = filters.start.replace(day=1), []
    while current <= filters.end:
        result.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return result


def trend(filters: Filters) -> list[dict]:
    """Monthly, from the recorded history: extreme-poor persons at each month's end (status changes in and
    out of extreme poverty, weighted by the household's extreme-poor members), graduations, deliveries."""
    changes = HouseholdStatusChange.objects.filter(
        filters.place("household__"), household__archived_at__isnull=True
    ).annotate(month=TruncMonth("changed_at"))
    flows = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row
        for row in changes.values("month")
        .annotate(
            entered=Coalesce(Sum("household__extreme_poor_count", filter=Q(to_status=EP)), 0),
            left=Coalesce(Sum("household__extreme_poor_count", filter=Q(from_status=EP)), 0),
            graduations=Count("id", filter=Q(to_status=GRADUATED)),
        )
        .order_by("month")
    }
    delivered = Intervention.objects.filter(
        filters.place("household__"),
        status=Intervention.Status.DELIVERED,
        delivered_on__gte=filters.start,
        delivered_on__lte=filters.end,
    )
    if filters.opd:
        delivered = delivered.filter(opd=filters.opd)
    deliveries = {
        (row["month"].date() if hasattr(row["month"], "date") else row["month"]): row["n"]
        for row in delivered.annotate(month=TruncMonth("delivered_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    running = sum(row["entered"] - row["left"] for month, row in flows.items() if month < filters.start)
    result = []
    for month in months(filters):
        flow = flows.get(month, {"entered": 0, "left": 0, "graduations": 0})
        running += flow["entered"] - flow["left"]
        result.append(
            {
                "month": month,
                "ep_persons": running,
                "graduations": flow["graduations"],
                "delivered": deliveries.get(month, 0),
            }
        )
    return result


def cohort(filters: Filters, baseline: Baseline | None, places: dict[int, Kelurahan]) -> list[dict]:
    """Of those extreme-poor at the baseline: served, graduated, still waiting with nothing delivered, fell back."""
    if baseline is None:
        return []
    members = BaselinePerson.objects.filter(baseline=baseline).filter(filters.place())
    still = Q(person__household__status=EP, person__household__archived_at__isnull=True)
    rows = (
        members.values("kelurahan_id")
        .annotate(
            total=Count("id"),
            graduated=Count("id", filter=Q(person__household__status=GRADUATED)),
            fell_back=Count("id", filter=still & Q(person__household__fell_back_at__isnull=False)),
            served=Count("id", filter=still & Q(person__household__fell_back_at__isnull=True, person__is_served=True)),
            waiting=Count(
                "id", filter=still & Q(person__household__fell_back_at__isnull=True, person__is_served=False)
            ),
        )
        .order_by()
    )
    result = [{**row, "kelurahan": places[row["kelurahan_id"]]} for row in rows]
    for row in result:
        row["other"] = row["total"] - row["graduated"] - row["fell_back"] - row["served"] - row["waiting"]
    return sorted(result, key=lambda r: r["kelurahan"].code)
