"""Running totals for the dashboard, kept exact by the services.

Every household keeps a ledger (`Contribution`) of what it adds to each `Tally` row. When a service
changes a household — its members, visits, status, interventions or referrals — `refresh` recomputes the
household's ledger from its rows and adds the difference to the tallies, in the same transaction. The
dashboard then sums a few thousand tally rows instead of millions of case rows, and it is never stale:
the tallies change in the very transaction that changes the case. Services decorated with
`audit.casework.case_write` call `refresh` (registered in `dashboard.apps`) for every household they
touched; bulk writers (imports, seeding) call it themselves.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from coordination.models import Referral
from dashboard.models import Contribution, Tally
from households.models import Household, HouseholdStatusChange
from interventions.models import Intervention

UNDATED = datetime.date(1970, 1, 1)
CHUNK = 2000
EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
OPEN = (Referral.Status.SENT, Referral.Status.ACCEPTED)
REFERRAL_MEASURES = {status: f"ref_{status}" for status in Referral.Status.values}


class Measure:
    """The names of the tally rows. Places (opd 0) first, then the trend, then each OPD's work."""

    HOUSEHOLDS = "households"  # every active household: its kelurahan has a row in the table
    EP_HOUSEHOLDS = "ep_households"
    EP_PERSONS = "ep_persons"
    SERVED_PERSONS = "served_persons"
    GRADUATED = "graduated"
    FELL_BACK = "fell_back"
    NEEDS_FULFILLED = "needs_fulfilled"
    VISITED = "visited"  # day: the latest visit of an extreme-poor household
    FOLLOW_UP = "follow_up"  # day: the follow-up still open
    # The monthly trend: day is the first of the month.
    EP_ENTERED = "ep_entered"  # status changes into extreme poverty, weighted by the extreme-poor members
    EP_LEFT = "ep_left"
    GRADUATION = "graduation"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CANCELLED = "cancelled"
    # Deliveries by month (the trend and the whole-time table) and by day (a chosen period); amount: Rupiah.
    DELIVERED_MONTH = "delivered_month"
    DELIVERED = "delivered"
    REACHED = "reached"  # persons reached by this OPD (at least one delivery)
    FIRST_REACHED = "first_reached"  # day: the person's first delivery from this OPD
    REFERRAL_DUE = "ref_due"  # day: due date of an open referral
    REFERRAL_DAYS = "ref_days"  # bucket: whole days from sending to fulfilment


Key = tuple[str, int, int, datetime.date, int]


def batched(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Ledger(defaultdict):
    """One household's share of the tallies: key -> [n, amount]."""

    def __init__(self) -> None:
        super().__init__(lambda: [0, 0])

    def add(
        self,
        measure: str,
        kelurahan: int,
        n: int = 1,
        *,
        opd: int = 0,
        day: datetime.date | None = None,
        bucket: int = 0,
        amount: int = 0,
    ) -> None:
        if n or amount:
            entry = self[(measure, kelurahan, opd, day or UNDATED, bucket)]
            entry[0] += n
            entry[1] += amount

    def to_json(self) -> dict[str, list[int]]:
        return {f"{m}|{k}|{o}|{d.isoformat()}|{b}": value for (m, k, o, d, b), value in self.items() if any(value)}

    @staticmethod
    def keys_of(stored: dict[str, list[int]]) -> dict[Key, list[int]]:
        result = {}
        for text, value in stored.items():
            measure, kelurahan, opd, day, bucket = text.split("|")
            result[(measure, int(kelurahan), int(opd), datetime.date.fromisoformat(day), int(bucket))] = value
        return result


def _ledgers(ids: list[int]) -> dict[int, Ledger]:
    """Each household's share, from its rows: five queries for up to CHUNK households."""
    ledgers = {pk: Ledger() for pk in ids}
    where: dict[int, int] = {}
    active: set[int] = set()
    weight: dict[int, int] = {}
    for h in Household.objects.filter(pk__in=ids).values(
        "id",
        "kelurahan_id",
        "status",
        "archived_at",
        "extreme_poor_count",
        "served_count",
        "fell_back_at",
        "referral_count",
        "unfulfilled_referrals",
        "last_visit_on",
        "next_follow_up_on",
    ):
        pk, kelurahan = h["id"], h["kelurahan_id"]
        where[pk], weight[pk] = kelurahan, h["extreme_poor_count"]
        if h["archived_at"] is not None:
            continue  # archived households leave the place counts; their interventions and referrals stay
        active.add(pk)
        add = ledgers[pk].add
        add(Measure.HOUSEHOLDS, kelurahan)
        if h["status"] == EP:
            add(Measure.EP_HOUSEHOLDS, kelurahan)
            add(Measure.EP_PERSONS, kelurahan, h["extreme_poor_count"])
            add(Measure.SERVED_PERSONS, kelurahan, h["served_count"])
            if h["fell_back_at"] is not None:
                add(Measure.FELL_BACK, kelurahan)
            if h["referral_count"] and not h["unfulfilled_referrals"]:
                add(Measure.NEEDS_FULFILLED, kelurahan)
            if h["last_visit_on"] is not None:
                add(Measure.VISITED, kelurahan, day=h["last_visit_on"])
        elif h["status"] == GRADUATED:
            add(Measure.GRADUATED, kelurahan)
        if h["next_follow_up_on"] is not None:
            add(Measure.FOLLOW_UP, kelurahan, day=h["next_follow_up_on"])

    changes = HouseholdStatusChange.objects.filter(household_id__in=active).values_list(
        "household_id", "from_status", "to_status", "changed_at"
    )
    for pk, from_status, to_status, changed_at in changes:
        day, add, kelurahan = timezone.localdate(changed_at).replace(day=1), ledgers[pk].add, where[pk]
        if to_status == EP:
            add(Measure.EP_ENTERED, kelurahan, weight[pk], day=day)
        if from_status == EP:
            add(Measure.EP_LEFT, kelurahan, weight[pk], day=day)
        if to_status == GRADUATED:
            add(Measure.GRADUATION, kelurahan, day=day)

    work = (
        Intervention.objects.filter(household_id__in=where)
        .values_list("household_id", "opd_id", "status", "delivered_on")
        .annotate(n=Count("id"), amount=Coalesce(Sum("amount"), 0))
        .order_by()
    )
    for pk, opd, status, delivered_on, n, amount in work:
        if status == Intervention.Status.DELIVERED:
            ledgers[pk].add(Measure.DELIVERED, where[pk], n, opd=opd, day=delivered_on, amount=amount)
            month = delivered_on.replace(day=1)
            ledgers[pk].add(Measure.DELIVERED_MONTH, where[pk], n, opd=opd, day=month, amount=amount)
        else:
            ledgers[pk].add(status, where[pk], n, opd=opd)
    reached = (
        Intervention.objects.filter(
            household_id__in=where, status=Intervention.Status.DELIVERED, person_id__isnull=False
        )
        .values_list("household_id", "opd_id", "person_id")
        .annotate(first=Min("delivered_on"))
        .order_by()
    )
    for pk, opd, _person, first in reached:
        ledgers[pk].add(Measure.REACHED, where[pk], opd=opd)
        ledgers[pk].add(Measure.FIRST_REACHED, where[pk], opd=opd, day=first)

    # Referrals, like interventions, stay in their OPD's counts (and inbox) when the household is archived.
    referrals = Referral.objects.filter(household_id__in=where).values_list(
        "household_id", "opd_id", "status", "due_on", "sent_at", "fulfilled_at"
    )
    for pk, opd, status, due_on, sent_at, fulfilled_at in referrals:
        add, kelurahan = ledgers[pk].add, where[pk]
        add(REFERRAL_MEASURES[status], kelurahan, opd=opd)
        if status in OPEN:
            add(Measure.REFERRAL_DUE, kelurahan, opd=opd, day=due_on)
        if status == Referral.Status.FULFILLED and fulfilled_at is not None:
            days = (timezone.localdate(fulfilled_at) - timezone.localdate(sent_at)).days
            add(Measure.REFERRAL_DAYS, kelurahan, opd=opd, bucket=days)
    return ledgers


def refresh(household_ids: Iterable[int]) -> None:
    """Bring the tallies up to date with these households' rows. Call inside the writing transaction."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    with transaction.atomic():
        for chunk in batched(ids, CHUNK):
            # Lock the ledgers: two transactions changing one household apply their differences in turn.
            stored = dict(
                Contribution.objects.select_for_update()
                .filter(household_id__in=chunk)
                .order_by("household_id")
                .values_list("household_id", "tallies")
            )
            fresh = _ledgers(list(chunk))
            created, changed = [], []
            for pk in chunk:
                after = fresh[pk]
                ledger = after.to_json()
                if ledger == stored.get(pk, {}):
                    continue  # nothing this household adds has changed
                for key, (n, amount) in after.items():
                    deltas[key][0] += n
                    deltas[key][1] += amount
                for key, (n, amount) in Ledger.keys_of(stored.get(pk, {})).items():
                    deltas[key][0] -= n
                    deltas[key][1] -= amount
                (changed if pk in stored else created).append(Contribution(household_id=pk, tallies=ledger))
            Contribution.objects.bulk_create(created)
            Contribution.objects.bulk_update(changed, ["tallies"])
        _add(deltas)


def _add(deltas: dict[Key, list[int]]) -> None:
    """Add to the tally rows in one statement per 500 keys, creating the missing ones; sorted, so
    concurrent writers lock rows in the same order."""
    rows = sorted((key, value) for key, value in deltas.items() if any(value))
    table = Tally._meta.db_table
    for batch in batched(rows, 500):
        params: list = []
        for (measure, kelurahan, opd, day, bucket), (n, amount) in batch:
            params += [measure, kelurahan, opd, day.isoformat(), bucket, n, amount]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (measure, kelurahan_id, opd, day, bucket, n, amount) VALUES {values} "  # noqa: S608 - our own table
                "ON CONFLICT (measure, kelurahan_id, opd, day, bucket) "
                f"DO UPDATE SET n = {table}.n + excluded.n, amount = {table}.amount + excluded.amount",
                params,
            )


def rebuild() -> int:
    """Recount every tally from the case rows (after bulk loads, or to repair). Returns households counted."""
    with transaction.atomic():
        Tally.objects.all().delete()
        Contribution.objects.all().delete()
        ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
        refresh(ids)
    return len(ids)


def differences() -> list[int]:
    """Households whose stored ledger differs from a fresh count: empty when the ledgers are right."""
    wrong = []
    ids = list(Household.objects.order_by("pk").values_list("pk", flat=True))
    for chunk in batched(ids, CHUNK):
        stored = dict(Contribution.objects.filter(household_id__in=chunk).values_list("household_id", "tallies"))
        fresh = _ledgers(list(chunk))
        wrong += [pk for pk in chunk if fresh[pk].to_json() != stored.get(pk, {})]
    return wrong


def tally_differences() -> list[Key]:
    """Tally rows that are not the sum of the households' ledgers: empty when the tallies are right."""
    expected: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for stored in Contribution.objects.values_list("tallies", flat=True).iterator(chunk_size=CHUNK):
        for key, (n, amount) in Ledger.keys_of(stored).items():
            expected[key][0] += n
            expected[key][1] += amount
    actual = {
        (measure, kelurahan, opd, day, bucket): [n, amount]
        for measure, kelurahan, opd, day, bucket, n, amount in Tally.objects.values_list(
            "measure", "kelurahan_id", "opd", "day", "bucket", "n", "amount"
        ).iterator(chunk_size=CHUNK)
    }
    keys = {key for key, value in expected.items() if any(value)} | {k for k, v in actual.items() if any(v)}
    return sorted(key for key in keys if expected.get(key, [0, 0]) != actual.get(key, [0, 0]))
