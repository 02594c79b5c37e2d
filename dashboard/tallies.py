"""The dashboard's running totals: what they measure and how a difference is added to them.

Every household keeps a ledger (`Contribution`) of what it adds to each `Tally` row; `dashboard.derived`
computes the ledgers from the case rows and adds each change's difference here, in the transaction that
changed the case. The dashboard then sums a few thousand tally rows instead of millions of case rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from typing import TypeVar

from django.db import connection

from coordination.models import Referral
from dashboard.models import Tally
from households.models import Household

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
    # Registered in the app as extreme poor, waiting for their DTSEN proposal's Muskel and approval: shown
    # beside the official count, never in it.
    PENDING_HOUSEHOLDS = "pending_households"
    PENDING_PERSONS = "pending_persons"
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
    # The baseline cohort (bucket: the baseline; kelurahan: where the person was counted at the baseline).
    COHORT_TOTAL = "cohort_total"
    COHORT_SERVED = "cohort_served"
    COHORT_GRADUATED = "cohort_graduated"
    COHORT_WAITING = "cohort_waiting"
    COHORT_FELL_BACK = "cohort_fell_back"


Key = tuple[str, int, int, datetime.date, int]
T = TypeVar("T")


def batched(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Ledger(defaultdict[Key, list[int]]):
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
        result: dict[Key, list[int]] = {}
        for text, value in stored.items():
            measure, kelurahan, opd, day, bucket = text.split("|")
            result[(measure, int(kelurahan), int(opd), datetime.date.fromisoformat(day), int(bucket))] = value
        return result


def add_to_tallies(deltas: dict[Key, list[int]]) -> None:
    """Add to the tally rows in one statement per 500 keys, creating the missing ones; sorted, so
    concurrent writers lock rows in the same order."""
    rows = sorted((key, value) for key, value in deltas.items() if any(value))
    table = Tally._meta.db_table
    for batch in batched(rows, 500):
        params: list[str | int] = []
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
