"""Every dashboard number, summed in the database from the tallies the services keep (dashboard.tallies),
plus the stored baseline and its cohort. A few queries over a few thousand rows, whatever the size.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Opd
from dashboard.models import Baseline, BaselinePerson, Tally
from dashboard.tallies import REFERRAL_MEASURES, Measure
from households.models import Household, Kecamatan, Kelurahan
from interventions.models import Intervention

EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
PLACE_COLUMNS = {
    Measure.HOUSEHOLDS: "households",
    Measure.EP_HOUSEHOLDS: "ep_households",
    Measure.EP_PERSONS: "ep_persons",
    Measure.SERVED_PERSONS: "served_persons",
    Measure.GRADUATED: "graduated",
    Measure.FELL_BACK: "fell_back",
    Measure.NEEDS_FULFILLED: "needs_fulfilled",
    Measure.VISITED: "visited",  # in the last 30 days
    Measure.FOLLOW_UP: "overdue_follow_ups",  # due before today
}
UNDATED_PLACE_MEASURES = [m for m in PLACE_COLUMNS if m not in (Measure.VISITED, Measure.FOLLOW_UP)]
OPD_COLUMNS = {
    Measure.PLANNED: "planned",
    Measure.IN_PROGRESS: "in_progress",
    Measure.CANCELLED: "cancelled",
    Measure.DELIVERED_MONTH: "delivered",  # with no period chosen
    Measure.DELIVERED: "delivered",  # in the chosen period
    Measure.REACHED: "persons",  # with no period chosen
    Measure.FIRST_REACHED: "persons",  # first reached by the period's end
    Measure.REFERRAL_DUE: "overdue",  # open and due before today
    **{measure: status for status, measure in REFERRAL_MEASURES.items()},
}
UNDATED_OPD_MEASURES = [Measure.PLANNED, Measure.IN_PROGRESS, Measure.CANCELLED, *REFERRAL_MEASURES.values()]


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


def summed(rows: QuerySet[Tally], by: str, columns: dict[str, str]) -> dict[int, dict[str, int]]:
    """Sum tally rows per `by` and measure (one hash aggregate, no per-row CASE), then name the measures:
    `columns` maps a measure to the column it fills. Only deliveries carry Rupiah; they fill "amount"."""
    result: dict[int, dict[str, int]] = {}
    for key, measure, n, amount in (
        rows.values_list(by, "measure").annotate(n=Sum("n"), amount=Sum("amount")).order_by()
    ):
        row = result.setdefault(key, dict.fromkeys(columns.values(), 0))
        row[columns[measure]] += n
        if amount:
            row["amount"] = row.get("amount", 0) + amount
    return result


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
    counted = tallies(filters).filter(
        Q(measure__in=UNDATED_PLACE_MEASURES)
        | Q(measure=Measure.VISITED, day__gte=since)
        | Q(measure=Measure.FOLLOW_UP, day__lt=filters.today)
    )
    result = []
    for kelurahan_id, row in summed(counted, "kelurahan_id", PLACE_COLUMNS).items():
        if not row.pop("households"):
            continue  # every household of this kelurahan moved away or was archived
        kelurahan = places[kelurahan_id]
        result.append({**row, "kelurahan_id": kelurahan_id, "kelurahan": kelurahan, "kecamatan": kelurahan.kecamatan})
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
    if filters.period_from or filters.period_to:
        delivered = _delivered(filters)
        # Persons reached by a day: those whose first delivery from the OPD came by then.
        reached = Q(measure=Measure.FIRST_REACHED) & (Q(day__lte=filters.period_to) if filters.period_to else Q())
    else:  # all time: the monthly rows and the per-person totals are far fewer than the daily ones
        delivered, reached = Q(measure=Measure.DELIVERED_MONTH), Q(measure=Measure.REACHED)
    counted = of_opds.filter(
        Q(measure__in=UNDATED_OPD_MEASURES)
        | delivered
        | reached
        | Q(measure=Measure.REFERRAL_DUE, day__lt=filters.today)
    )
    rows = summed(counted, "opd", OPD_COLUMNS)
    for row in rows.values():
        row.setdefault("amount", 0)
        row["received"] = row.pop("sent") + row["accepted"] + row["fulfilled"] + row["declined"]
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
    delivered = Q(measure=Measure.DELIVERED_MONTH, day__gte=filters.start, day__lte=filters.end)
    if filters.opd:
        delivered &= Q(opd=filters.opd.pk)
    days = (
        tallies(filters)
        .filter(Q(measure__in=[Measure.EP_ENTERED, Measure.EP_LEFT, Measure.GRADUATION]) | delivered)
        .values_list("measure", "day")
        .annotate(n=Sum("n"))
        .order_by()
    )
    flows: dict[datetime.date, dict[str, int]] = {}
    running = 0  # extreme-poor persons before the first month shown
    for measure, day, n in days:
        change = {Measure.EP_ENTERED: n, Measure.EP_LEFT: -n}.get(measure, 0)
        if day < filters.start:
            running += change
            continue
        flow = flows.setdefault(day, {"change": 0, "graduations": 0, "delivered": 0})
        if measure == Measure.GRADUATION:
            flow["graduations"] += n
        elif measure == Measure.DELIVERED_MONTH:
            flow["delivered"] += n
        else:
            flow["change"] += change
    result = []
    for month in months(filters):
        flow = flows.get(month, {"change": 0, "graduations": 0, "delivered": 0})
        running += flow["change"]
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


def overview(*, opd: Opd | None = None, today: datetime.date | None = None) -> dict:
    """The home page's numbers, summed from the same tallies as the dashboard and the registry (three
    queries): where the city stands, by kelurahan, and the work of one OPD (or of all)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=30)
    places = kelurahan_map()
    counted = (
        Tally.objects.filter(
            Q(measure__in=[Measure.EP_PERSONS, Measure.SERVED_PERSONS, Measure.EP_HOUSEHOLDS, Measure.GRADUATED])
            | Q(measure=Measure.VISITED, day__gte=since)
        )
        .values_list("kelurahan_id", "measure")
        .annotate(n=Sum("n"))
        .order_by()
    )
    city = dict.fromkeys(["ep_persons", "served_persons", "ep_households", "graduated", "visited"], 0)
    city["in_priority_locus"] = 0
    persons_in: dict[int, int] = {}
    for kelurahan_id, measure, n in counted:
        column = PLACE_COLUMNS[measure]
        city[column] += n
        if measure == Measure.EP_PERSONS:
            persons_in[kelurahan_id] = persons_in.get(kelurahan_id, 0) + n
            if places[kelurahan_id].is_priority_locus:
                city["in_priority_locus"] += n
    city["not_served"] = city["ep_persons"] - city["served_persons"]
    by_kelurahan = sorted(
        ({"kelurahan": places[pk], "persons": n} for pk, n in persons_in.items() if n),
        key=lambda row: (-row["persons"], row["kelurahan"].name),
    )
    work = Tally.objects.filter(measure__in=[Measure.PLANNED, Measure.IN_PROGRESS, Measure.DELIVERED_MONTH])
    if opd is not None:
        work = work.filter(opd=opd.pk)
    sums = {
        measure: (n, amount)
        for measure, n, amount in work.values_list("measure").annotate(n=Sum("n"), amount=Sum("amount")).order_by()
    }
    return {
        "city": city,
        "by_kelurahan": by_kelurahan,
        "work": {
            "planned": sums.get(Measure.PLANNED, (0, 0))[0] + sums.get(Measure.IN_PROGRESS, (0, 0))[0],
            "delivered": sums.get(Measure.DELIVERED_MONTH, (0, 0))[0],
            "delivered_amount": sums.get(Measure.DELIVERED_MONTH, (0, 0))[1],
        },
    }
