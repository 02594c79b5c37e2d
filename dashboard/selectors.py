"""Every dashboard number, summed in the database from the tallies the services keep (dashboard.tallies),
plus the stored baseline and its cohort, and the home page's overview. A few queries over a few thousand rows,
whatever the size.
"""

import datetime
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Opd
from dashboard.models import Baseline, Tally
from dashboard.tallies import OPEN, REFERRAL_MEASURES, Measure
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
    Measure.PENDING_HOUSEHOLDS: "pending_households",
    Measure.PENDING_PERSONS: "pending_persons",
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

    def delivered_query(self) -> dict[str, str | None]:
        """The chosen period as the interventions list's delivery filters: the list counts the same deliveries."""
        return {
            "delivered_from": self.period_from.isoformat() if self.period_from else None,
            "delivered_to": self.period_to.isoformat() if self.period_to else None,
        }


class PlaceRow(TypedDict):
    """One kelurahan's line of the dashboard."""

    kelurahan_id: int
    kelurahan: Kelurahan
    kecamatan: Kecamatan
    ep_households: int
    ep_persons: int
    served_persons: int
    graduated: int
    pending_households: int  # registered in the app, waiting for verification (not in the official count)
    pending_persons: int
    fell_back: int
    needs_fulfilled: int
    visited: int  # extreme-poor households visited in the last 30 days
    overdue_follow_ups: int
    links: NotRequired[dict[str, str]]  # added by the view: each number opens the list it counts


class OpdRow(TypedDict):
    """One OPD's share of the work: interventions by status, persons reached, Rupiah, and its referrals."""

    opd: Opd
    planned: int
    in_progress: int
    delivered: int
    cancelled: int
    persons: int
    amount: int
    received: int  # every referral addressed to the OPD
    accepted: int
    fulfilled: int
    declined: int
    overdue: int
    median_days: float | None  # from sending to fulfilment
    links: NotRequired[dict[str, str]]


class Headline(TypedDict):
    """The totals at the top of the dashboard (baseline numbers only once a baseline is stored)."""

    ep_households: int
    ep_persons: int
    served_persons: int
    graduated: int
    pending_households: int
    pending_persons: int
    fell_back: int
    needs_fulfilled: int
    visited: int
    overdue_follow_ups: int
    overdue_referrals: int
    baseline: Baseline | None
    baseline_persons: NotRequired[int]
    baseline_households: NotRequired[int]


class TrendRow(TypedDict):
    month: datetime.date  # the first of the month
    ep_persons: int  # at the month's end
    graduations: int
    delivered: int


class CohortRow(TypedDict):
    """Of the persons extreme-poor at the baseline in one kelurahan: where they are now."""

    kelurahan_id: int
    kelurahan: Kelurahan
    total: int
    served: int
    graduated: int
    waiting: int  # still extreme-poor, nothing delivered
    fell_back: int
    other: int  # moved, died, or their household is no longer extreme-poor without graduating


@dataclass(frozen=True)
class Dashboard:
    headline: Headline
    places: list[PlaceRow]
    opds: list[OpdRow]
    trend: list[TrendRow]
    cohort: list[CohortRow] | None  # None unless asked for: it follows every baseline person


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


def by_place(filters: Filters, places: dict[int, Kelurahan]) -> list[PlaceRow]:
    """One row per kelurahan (in the chosen place), from the tallies of the households' summary columns."""
    since = filters.today - datetime.timedelta(days=30)
    counted = tallies(filters).filter(
        Q(measure__in=UNDATED_PLACE_MEASURES)
        | Q(measure=Measure.VISITED, day__gte=since)
        | Q(measure=Measure.FOLLOW_UP, day__lt=filters.today)
    )
    result = []
    for kelurahan_id, row in summed(counted, "kelurahan_id", PLACE_COLUMNS).items():
        if not row["households"]:
            continue  # every household of this kelurahan moved away or was archived
        kelurahan = places[kelurahan_id]
        result.append(
            PlaceRow(
                kelurahan_id=kelurahan_id,
                kelurahan=kelurahan,
                kecamatan=kelurahan.kecamatan,
                ep_households=row["ep_households"],
                ep_persons=row["ep_persons"],
                served_persons=row["served_persons"],
                graduated=row["graduated"],
                pending_households=row["pending_households"],
                pending_persons=row["pending_persons"],
                fell_back=row["fell_back"],
                needs_fulfilled=row["needs_fulfilled"],
                visited=row["visited"],
                overdue_follow_ups=row["overdue_follow_ups"],
            )
        )
    # Where the extreme-poor live first (a kelurahan with none would otherwise open the table), then by code.
    result.sort(key=lambda r: (-r["ep_persons"], -r["ep_households"], r["kecamatan"].code, r["kelurahan"].code))
    return result


def headline(filters: Filters, places: list[PlaceRow], opds: list[OpdRow], baseline: Baseline | None) -> Headline:
    """The kelurahan rows and OPD rows added up, and the baseline of the chosen place (one query with a place)."""
    totals = Headline(
        ep_households=sum(row["ep_households"] for row in places),
        ep_persons=sum(row["ep_persons"] for row in places),
        served_persons=sum(row["served_persons"] for row in places),
        graduated=sum(row["graduated"] for row in places),
        pending_households=sum(row["pending_households"] for row in places),
        pending_persons=sum(row["pending_persons"] for row in places),
        fell_back=sum(row["fell_back"] for row in places),
        needs_fulfilled=sum(row["needs_fulfilled"] for row in places),
        visited=sum(row["visited"] for row in places),
        overdue_follow_ups=sum(row["overdue_follow_ups"] for row in places),
        # Every referral is addressed to exactly one OPD, so the OPD table's overdue column adds up.
        overdue_referrals=sum(row["overdue"] for row in opds),
        baseline=baseline,
    )
    if baseline is not None and (filters.kelurahan or filters.kecamatan):
        # The stored baseline of a place: who was counted there then.
        counted = baseline.members.filter(filters.place()).aggregate(
            persons=Count("id"), households=Count("household_id", distinct=True)
        )
        totals["baseline_persons"], totals["baseline_households"] = counted["persons"], counted["households"]
    elif baseline is not None:
        totals["baseline_persons"], totals["baseline_households"] = baseline.persons, baseline.households
    return totals


def by_opd(filters: Filters) -> list[OpdRow]:
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
        # Read from the partial covering index iv_reached_idx alone (an index-only scan of the period's rows).
        reached_by: dict[int, int] = dict(
            persons.values_list("opd_id").annotate(n=Count("person_id", distinct=True)).order_by()
        )
        for pk, row in rows.items():
            row["persons"] = reached_by.get(pk, 0)
    medians = _median_days(of_opds.filter(measure=Measure.REFERRAL_DAYS))
    names = dict(Opd.objects.filter(pk__in=rows).values_list("pk", "short_name"))
    result = []
    for pk, row in sorted(rows.items(), key=lambda item: names.get(item[0], "")):
        if any(row.values()):
            result.append(
                OpdRow(
                    opd=Opd(pk=pk, short_name=names.get(pk, "?")),
                    planned=row["planned"],
                    in_progress=row["in_progress"],
                    delivered=row["delivered"],
                    cancelled=row["cancelled"],
                    persons=row["persons"],
                    amount=row["amount"],
                    received=row["received"],
                    accepted=row["accepted"],
                    fulfilled=row["fulfilled"],
                    declined=row["declined"],
                    overdue=row["overdue"],
                    median_days=medians.get(pk),
                )
            )
    return result


def open_referrals(*, opd_id: int | None) -> int:
    """Referrals sent or accepted and not yet settled, of one OPD (None: of every OPD) — the menu's "Rujukan (n)"
    on every page. From the tallies: a few hundred rows, exact after every write on every path, and the same in
    every server process (a cached count would be stale in the processes that did not make the change)."""
    rows = Tally.objects.filter(measure__in=[REFERRAL_MEASURES[status] for status in OPEN])
    if opd_id is not None:
        rows = rows.filter(opd=opd_id)
    return int(rows.aggregate(n=Sum("n"))["n"] or 0)


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


def trend(filters: Filters) -> list[TrendRow]:
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
            TrendRow(month=month, ep_persons=running, graduations=flow["graduations"], delivered=flow["delivered"])
        )
    return result


COHORT_COLUMNS = {
    Measure.COHORT_TOTAL: "total",
    Measure.COHORT_SERVED: "served",
    Measure.COHORT_GRADUATED: "graduated",
    Measure.COHORT_WAITING: "waiting",
    Measure.COHORT_FELL_BACK: "fell_back",
}


def cohort(filters: Filters, baseline: Baseline | None, places: dict[int, Kelurahan]) -> list[CohortRow]:
    """Of those extreme-poor at the baseline: served, graduated, still waiting with nothing delivered, fell back.
    From the tallies (bucket: the baseline), kept by `dashboard.derived` like every other number here."""
    if baseline is None:
        return []
    counted = tallies(filters).filter(measure__in=COHORT_COLUMNS, bucket=baseline.pk)
    result = [
        CohortRow(
            kelurahan_id=kelurahan_id,
            kelurahan=places[kelurahan_id],
            total=row["total"],
            served=row["served"],
            graduated=row["graduated"],
            waiting=row["waiting"],
            fell_back=row["fell_back"],
            other=row["total"] - row["graduated"] - row["fell_back"] - row["served"] - row["waiting"],
        )
        for kelurahan_id, row in summed(counted, "kelurahan_id", COHORT_COLUMNS).items()
        if row["total"]
    ]
    return sorted(result, key=lambda r: r["kelurahan"].code)


def baseline() -> Baseline | None:
    """The stored baseline the dashboard compares with (none until a supervisor stores one)."""
    return Baseline.objects.first()


def dashboard(filters: Filters, places: dict[int, Kelurahan], *, with_cohort: bool = False) -> Dashboard:
    """Every table of the dashboard for the chosen filters. The cohort follows every baseline person, so it is
    read only when asked for (the printed page and the workbook; the screen has a page of its own)."""
    stored = baseline()
    by_kelurahan = by_place(filters, places)
    opds = by_opd(filters)
    return Dashboard(
        headline=headline(filters, by_kelurahan, opds, stored),
        places=by_kelurahan,
        opds=opds,
        trend=trend(filters),
        cohort=cohort(filters, stored, places) if with_cohort else None,
    )


@dataclass(frozen=True)
class Cohort:
    baseline: Baseline | None
    rows: list[CohortRow]


def cohort_report(filters: Filters | None, places: dict[int, Kelurahan]) -> Cohort:
    """The baseline and where its persons are now, per kelurahan (no rows when the filters are invalid)."""
    stored = baseline()
    return Cohort(baseline=stored, rows=cohort(filters, stored, places) if filters is not None else [])


class City(TypedDict):
    """Where the city stands, for the home page."""

    ep_persons: int
    served_persons: int
    not_served: int
    ep_households: int
    graduated: int
    visited: int  # extreme-poor households visited in the last 30 days
    in_priority_locus: int  # extreme-poor persons in the priority kelurahan


class KelurahanPersons(TypedDict):
    kelurahan: Kelurahan
    persons: int  # extreme-poor persons


class Work(TypedDict):
    """The interventions of one OPD (or of all): still to deliver, and delivered with their Rupiah."""

    planned: int  # planned or in progress
    delivered: int
    delivered_amount: int | None


class Overview(TypedDict):
    city: City
    by_kelurahan: list[KelurahanPersons]  # most extreme-poor persons first
    work: Work


def overview(*, opd: Opd | None = None, today: datetime.date | None = None) -> Overview:
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
    totals = dict.fromkeys(["ep_persons", "served_persons", "ep_households", "graduated", "visited"], 0)
    in_priority_locus = 0
    persons_in: dict[int, int] = {}
    for kelurahan_id, measure, n in counted:
        totals[PLACE_COLUMNS[measure]] += n
        if measure == Measure.EP_PERSONS:
            persons_in[kelurahan_id] = persons_in.get(kelurahan_id, 0) + n
            if places[kelurahan_id].is_priority_locus:
                in_priority_locus += n
    city = City(
        ep_persons=totals["ep_persons"],
        served_persons=totals["served_persons"],
        not_served=totals["ep_persons"] - totals["served_persons"],
        ep_households=totals["ep_households"],
        graduated=totals["graduated"],
        visited=totals["visited"],
        in_priority_locus=in_priority_locus,
    )
    by_kelurahan = sorted(
        (KelurahanPersons(kelurahan=places[pk], persons=n) for pk, n in persons_in.items() if n),
        key=lambda row: (-row["persons"], row["kelurahan"].name),
    )
    work = Tally.objects.filter(measure__in=[Measure.PLANNED, Measure.IN_PROGRESS, Measure.DELIVERED_MONTH])
    if opd is not None:
        work = work.filter(opd=opd.pk)
    sums: dict[str, tuple[int, int | None]] = {
        measure: (n, amount)
        for measure, n, amount in work.values_list("measure").annotate(n=Sum("n"), amount=Sum("amount")).order_by()
    }
    return Overview(
        city=city,
        by_kelurahan=by_kelurahan,
        work=Work(
            planned=sums.get(Measure.PLANNED, (0, 0))[0] + sums.get(Measure.IN_PROGRESS, (0, 0))[0],
            delivered=sums.get(Measure.DELIVERED_MONTH, (0, 0))[0],
            delivered_amount=sums.get(Measure.DELIVERED_MONTH, (0, 0))[1],
        ),
    )
