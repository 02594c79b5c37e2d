"""Every dashboard number, summed in the database from the tallies the services keep (dashboard.tallies),
plus the stored baseline and its cohort. A few queries over a few thousand rows, whatever the size.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import Opd
from coordination.models import Referral
from dashboard.models import Baseline, BaselinePerson, Tally
from dashboard.tallies import REFERRAL_MEASURES, Measure
from households.models import Household, Kecamatan, Kelurahan
from interventions.models import Intervention

EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
PLACE_MEASURES = [
    Measure.HOUSEHOLDS,
    Measure.EP_HOUSEHOLDS,
    Measure.EP_PERSONS,
    Measure.SERVED_PERSONS,
    Measure.GRADUATED,
    Measure.FELL_BACK,
    Measure.NEEDS_FULFILLED,
    Measure.VISITED,
    Measure.FOLLOW_UP,
]
OPD_MEASURES = [
    Measure.PLANNED,
    Measure.IN_PROGRESS,
    Measure.DELIVERED,
    Measure.CANCELLED,
    Measure.REACHED,
    Measure.REFERRAL_DUE,
    *REFERRAL_MEASURES.values(),
]


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


def tallies(filters: Filters) -> QuerySet[Tally]:
    return Tally.objects.filter(filters.place())


def _sum(condition: Q, column: str = "n") -> Coalesce:
    return Coalesce(Sum(column, filter=condition), 0)


def _delivered(filters: Filters) -> Q:
    """Deliveries in the chosen period (all of them when no period is chosen)."""
    condition = Q(measure=Measure.DELIVERED)
    if filters.period_from:
        condition &= Q(day__gte=filters.period_from)
    if filters.period_to:
        condition &= Q(day__lte=filters.period_to)
    return condition


def kelurahan_map() -> dict[int, Kelurahan]:
    """All 30 kelurahan with their kecamatan: one query, shared by the tables and the filter form."""
    return {k.pk: k for k in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code")}


def by_place(filters: Filters, places: dict[int, Kelurahan]) -> list[dict]:
    """One row per kelurahan (in the chosen place), from the tallies of the households' summary columns."""
    since = filters.today - datetime.timedelta(days=30)
    rows = (
        tallies(filters)
        .filter(measure__in=PLACE_MEASURES)
        .values("kelurahan_id")
        .annotate(
            households=_sum(Q(measure=Measure.HOUSEHOLDS)),
            ep_households=_sum(Q(measure=Measure.EP_HOUSEHOLDS)),
            ep_persons=_sum(Q(measure=Measure.EP_PERSONS)),
            served_persons=_sum(Q(measure=Measure.SERVED_PERSONS)),
            graduated=_sum(Q(measure=Measure.GRADUATED)),
            fell_back=_sum(Q(measure=Measure.FELL_BACK)),
            needs_fulfilled=_sum(Q(measure=Measure.NEEDS_FULFILLED)),
            visited=_sum(Q(measure=Measure.VISITED, day__gte=since)),
            overdue_follow_ups=_sum(Q(measure=Measure.FOLLOW_UP, day__lt=filters.today)),
        )
        .order_by()
    )
    result = []
    for row in rows:
        if not row.pop("households"):
            continue  # every household of this kelurahan moved away or was archived
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
    """Each OPD's share of the work: interventions and referrals, from the tallies."""
    of_opds = tallies(filters).filter(opd=filters.opd.pk) if filters.opd else tallies(filters)
    work = of_opds.filter(measure__in=OPD_MEASURES)
    delivered = _delivered(filters)
    # Persons reached by a day: those whose first delivery from the OPD came by then.
    reached = Q(measure=Measure.REACHED) & (Q(day__lte=filters.period_to) if filters.period_to else Q())
    rows = {
        row.pop("opd"): row
        for row in work.values("opd")
        .annotate(
            planned=_sum(Q(measure=Measure.PLANNED)),
            in_progress=_sum(Q(measure=Measure.IN_PROGRESS)),
            delivered=_sum(delivered),
            cancelled=_sum(Q(measure=Measure.CANCELLED)),
            persons=_sum(reached),
            amount=_sum(delivered, "amount"),
            received=_sum(Q(measure__in=REFERRAL_MEASURES.values())),
            accepted=_sum(Q(measure=REFERRAL_MEASURES[Referral.Status.ACCEPTED])),
            fulfilled=_sum(Q(measure=REFERRAL_MEASURES[Referral.Status.FULFILLED])),
            declined=_sum(Q(measure=REFERRAL_MEASURES[Referral.Status.DECLINED])),
            overdue=_sum(Q(measure=Measure.REFERRAL_DUE, day__lt=filters.today)),
        )
        .order_by()
    }
    if filters.period_from:
        # Persons reached within a period cannot be summed from first deliveries: count them from the
        # deliveries of that period (the delivered_on index keeps it to the period's rows).
        persons = Intervention.objects.filter(
            filters.place("household__"),
            status=Intervention.Status.DELIVERED,
            delivered_on__gte=filters.period_from,
            person__isnull=False,
        )
        if filters.period_to:
            persons = persons.filter(delivered_on__lte=filters.period_to)
        if filters.opd:
            persons = persons.filter(opd=filters.opd)
        counted = dict(persons.values_list("opd_id").annotate(n=Count("person_id", distinct=True)).order_by())
        for pk, row in rows.items():
            row["persons"] = counted.get(pk, 0)
    medians = _median_days(of_opds.filter(measure=Measure.REFERRAL_DAYS))
    names = dict(Opd.objects.filter(pk__in=rows).values_list("pk", "short_name"))
    result = []
    for pk, row in sorted(rows.items(), key=lambda item: names.get(item[0], "")):
        if any(row.values()):
            result.append({"opd": Opd(pk=pk, short_name=names.get(pk, "?")), **row, "median_days": medians.get(pk)})
    return result


def _median_days(histogram: QuerySet[Tally]) -> dict[int, float]:
    """The median of whole days from sending to fulfilment, per OPD, from the tallied histogram."""
    counts: dict[int, list[tuple[int, int]]] = {}
    for opd, days, n in histogram.values_list("opd", "bucket").annotate(n=Sum("n")).order_by("opd", "bucket"):
        if n:
            counts.setdefault(opd, []).append((days, n))
    return {opd: _median(pairs) for opd, pairs in counts.items()}


def _median(pairs: list[tuple[int, int]]) -> float:
    """The median of values given as sorted (value, how many) pairs."""
    total = sum(n for _, n in pairs)

    def nth(index: int) -> int:
        for value, n in pairs:
            if index < n:
                return value
            index -= n
        raise IndexError(index)

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def months(filters: Filters) -> list[datetime.date]:
    current, result = filters.start.replace(day=1), []
    while current <= filters.end:
        result.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return result


def trend(filters: Filters) -> list[dict]:
    """Monthly, from the recorded history: extreme-poor persons at each month's end (status changes in and
    out of extreme poverty, weighted by the household's extreme-poor members), graduations, deliveries."""
    delivered = Q(measure=Measure.DELIVERED, day__gte=filters.start, day__lte=filters.end)
    if filters.opd:
        delivered &= Q(opd=filters.opd.pk)
    rows = (
        tallies(filters)
        .filter(Q(measure__in=[Measure.EP_ENTERED, Measure.EP_LEFT, Measure.GRADUATION]) | delivered)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(
            entered=_sum(Q(measure=Measure.EP_ENTERED)),
            left=_sum(Q(measure=Measure.EP_LEFT)),
            graduations=_sum(Q(measure=Measure.GRADUATION)),
            delivered=_sum(delivered),
        )
        .order_by("month")
    )
    flows = {row.pop("month"): row for row in rows}
    running = sum(row["entered"] - row["left"] for month, row in flows.items() if month < filters.start)
    result = []
    for month in months(filters):
        flow = flows.get(month, {"entered": 0, "left": 0, "graduations": 0, "delivered": 0})
        running += flow["entered"] - flow["left"]
        result.append(
            {
                "month": month,
                "ep_persons": running,
                "graduations": flow["graduations"],
                "delivered": flow["delivered"],
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
