"""Everything stored that is derived from the case rows: defined once here, written on one path, checked
against the raw rows.

Three layers are stored so that pages stay fast at a million persons:
- each household's summary columns (head, members, extreme-poor and served members, latest visit and
  follow-up, deliveries, referrals, when it fell back, its latest national ranking), which the registry lists,
  sorts and filters on;
- each member's "served" flag: reached by a delivery of their own or to their whole household;
- the dashboard's tallies: each household's ledger (`Contribution`) and the running totals (`Tally`).

The official extreme-poor count is defined here, once: the members marked extreme poor of the households whose
status is "miskin ekstrem" and that are not archived (`Measure.EP_HOUSEHOLDS`, `Measure.EP_PERSONS`). Only
verified data puts a household in that status: a national list (DTSEN, P3KE, DTKS) through an import, a Dinsos
supervisor's status decision, or a supervisor's approval of a DTSEN proposal after its Muskel agreed. A family a
caseworker registers in the browser (or sets as newly extreme poor) is "diusulkan" (`Household.Status.PROPOSED`):
counted apart as waiting for verification (`Measure.PENDING_*`), never in the official figures.

`derive(ids)` computes all three for some households from their raw rows — members, visits, status
changes, interventions, referrals — and is the only definition of these numbers. `refresh(ids)` writes
whatever differs; `audit.casework` calls it before every transaction that changed case rows commits, for
the households the change touched (services, Django admin, imports and seeding all write inside a case
scope; writes outside one are refused). `rebuild()` refreshes every household, `check()` derives
everything again and reports each stored value that differs, layer by layer.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Model, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from psycopg2.extras import execute_values  # type: ignore[import-untyped]

from coordination.models import Referral
from dashboard.models import BaselinePerson, Contribution, Tally
from dashboard.tallies import CHUNK, OPEN, REFERRAL_MEASURES, Key, Ledger, Measure, add_to_tallies, batched
from households.models import Household, HouseholdStatusChange, Person, Ranking, Relation, Visit
from interventions.models import Intervention

EP = Household.Status.EXTREME_POOR
GRADUATED = Household.Status.GRADUATED
PROPOSED = Household.Status.PROPOSED
DELIVERED = Intervention.Status.DELIVERED
ACTIVE = Person.Status.ACTIVE
SUMMARY_FIELDS = (
    "head_name",
    "member_count",
    "extreme_poor_count",
    "served_count",
    "last_visit_on",
    "next_follow_up_on",
    "delivered_count",
    "referral_count",
    "unfulfilled_referrals",
    "fell_back_at",
    "desil",
    "desil_source",
    "desil_as_of",
)
NO_SUMMARY = {
    "head_name": "",
    "member_count": 0,
    "extreme_poor_count": 0,
    "served_count": 0,
    "last_visit_on": None,
    "next_follow_up_on": None,
    "delivered_count": 0,
    "referral_count": 0,
    "unfulfilled_referrals": 0,
    "fell_back_at": None,
    "desil": None,
    "desil_source": "",
    "desil_as_of": None,
}


# The raw rows `derive` reads, as `_ledgers` unpacks them.
StatusChangeRow = tuple[int, str, str, datetime.datetime]  # household, from, to, changed at
WorkRow = tuple[int, int, str, datetime.date | None, int, int, int]  # household, opd, status, delivered, n, Rp, whole
ReachedRow = tuple[int, int, int, datetime.date]  # household, opd, person, first delivery
ReferralRow = tuple[int, int, str, datetime.date, datetime.datetime, datetime.datetime | None]  # ..., due, sent, done
CohortRow = tuple[int, int, int]  # baseline, kelurahan at the baseline, person


@dataclass
class Derived:
    """One household as its rows say it is (`summary`, `served`, `ledger`) and as it is stored."""

    exists: bool = False
    place: tuple[Any, ...] = ()  # kelurahan, status, archived_at
    summary: dict[str, Any] = field(default_factory=lambda: dict(NO_SUMMARY))
    served: dict[int, bool] = field(default_factory=dict)  # member -> reached by a delivery
    cohort: list[CohortRow] = field(default_factory=list)  # members counted in a stored baseline
    ledger: Ledger = field(default_factory=Ledger)
    stored_summary: dict[str, Any] = field(default_factory=dict)
    stored_served: dict[int, bool] = field(default_factory=dict)


def derive(ids: list[int]) -> dict[int, Derived]:
    """The derived data of up to CHUNK households, from their rows, in ten queries. A household that
    no longer exists derives to nothing, so its share of the tallies can be taken back."""
    result = {pk: Derived() for pk in ids}
    households = Household._base_manager.filter(pk__in=ids).values(
        "id", "kelurahan_id", "status", "archived_at", *SUMMARY_FIELDS
    )
    for row in households:
        item = result[row["id"]]
        item.exists = True
        item.stored_summary = {name: row[name] for name in SUMMARY_FIELDS}
        item.place = (row["kelurahan_id"], row["status"], row["archived_at"])

    # Members: counts, the head, and who is served.
    members = (
        Person._base_manager.filter(household_id__in=ids)
        .order_by("id")
        .values_list("id", "household_id", "status", "relation", "full_name", "is_extreme_poor", "is_served")
    )
    own_deliveries = set(
        Intervention._base_manager.filter(person__household_id__in=ids, status=DELIVERED)
        .values_list("person_id", flat=True)
        .distinct()
    )
    work: list[WorkRow] = list(
        Intervention._base_manager.filter(household_id__in=ids)
        .values_list("household_id", "opd_id", "status", "delivered_on")
        .annotate(n=Count("id"), amount=Coalesce(Sum("amount"), 0), whole=Count("id", filter=Q(person__isnull=True)))
        .order_by()
    )
    whole_household = {pk for pk, _opd, status, _day, _n, _amount, whole in work if status == DELIVERED and whole}
    member_rows = list(members)
    for person, pk, status, relation, name, extreme_poor, stored_served in member_rows:
        item = result[pk]
        served = person in own_deliveries or pk in whole_household
        item.served[person] = served
        item.stored_served[person] = stored_served
        if status != ACTIVE:
            continue
        summary = item.summary
        summary["member_count"] += 1
        if relation == Relation.HEAD and not summary["head_name"]:
            summary["head_name"] = name
        if extreme_poor:
            summary["extreme_poor_count"] += 1
            summary["served_count"] += served

    # Members counted in a baseline, wherever they live now: the cohort the dashboard follows.
    for pk, baseline, kelurahan, person in BaselinePerson.objects.filter(person__household_id__in=ids).values_list(
        "person__household_id", "baseline_id", "kelurahan_id", "person_id"
    ):
        result[pk].cohort.append((baseline, kelurahan, person))

    # The latest visit names the follow-up still open.
    visits = (
        Visit._base_manager.filter(household_id__in=ids)
        .order_by("household_id", "-visited_on", "-id")
        .values_list("household_id", "visited_on", "next_follow_up_on")
    )
    for pk, visited_on, follow_up in visits:
        summary = result[pk].summary
        if summary["last_visit_on"] is None:
            summary["last_visit_on"], summary["next_follow_up_on"] = visited_on, follow_up

    # The latest national ranking: the list with the latest "as of" date (the later recorded on the same date).
    rankings = (
        Ranking._base_manager.filter(household_id__in=ids)
        .order_by("household_id", "-as_of", "-id")
        .values_list("household_id", "desil", "source", "as_of")
    )
    for pk, desil, source, as_of in rankings:
        summary = result[pk].summary
        if summary["desil_as_of"] is None:
            summary["desil"], summary["desil_source"], summary["desil_as_of"] = desil, source, as_of

    changes = list(
        HouseholdStatusChange._base_manager.filter(household_id__in=ids).values_list(
            "household_id", "from_status", "to_status", "changed_at"
        )
    )
    for pk, from_status, to_status, changed_at in changes:
        summary = result[pk].summary
        if (
            from_status == GRADUATED
            and to_status == EP
            and (summary["fell_back_at"] is None or changed_at > summary["fell_back_at"])
        ):
            summary["fell_back_at"] = changed_at
    referrals = list(
        Referral._base_manager.filter(household_id__in=ids).values_list(
            "household_id", "opd_id", "status", "due_on", "sent_at", "fulfilled_at"
        )
    )
    for pk, _opd, status, *_rest in referrals:
        summary = result[pk].summary
        summary["referral_count"] += 1
        summary["unfulfilled_referrals"] += status != Referral.Status.FULFILLED
    for pk, _opd, status, _day, n, _amount, _whole in work:
        if status == DELIVERED:
            result[pk].summary["delivered_count"] += n

    reached = (
        Intervention._base_manager.filter(household_id__in=ids, status=DELIVERED, person_id__isnull=False)
        .values_list("household_id", "opd_id", "person_id")
        .annotate(first=Min("delivered_on"))
        .order_by()
    )
    _ledgers(result, changes, work, reached, referrals)
    return result


def _ledgers(
    result: dict[int, Derived],
    changes: list[StatusChangeRow],
    work: list[WorkRow],
    reached: Iterable[ReachedRow],
    referrals: list[ReferralRow],
) -> None:
    """Each household's share of the tallies, from its summary and rows."""
    where = {pk: item.place[0] for pk, item in result.items() if item.exists}
    active = set()
    for pk, item in result.items():
        if not item.exists:
            continue
        kelurahan, status, archived_at = item.place
        if archived_at is not None:
            continue  # archived households leave the place counts; their interventions and referrals stay
        active.add(pk)
        summary, add = item.summary, item.ledger.add
        add(Measure.HOUSEHOLDS, kelurahan)
        if status == EP:
            add(Measure.EP_HOUSEHOLDS, kelurahan)
            add(Measure.EP_PERSONS, kelurahan, summary["extreme_poor_count"])
            add(Measure.SERVED_PERSONS, kelurahan, summary["served_count"])
            if summary["fell_back_at"] is not None:
                add(Measure.FELL_BACK, kelurahan)
            if summary["referral_count"] and not summary["unfulfilled_referrals"]:
                add(Measure.NEEDS_FULFILLED, kelurahan)
            if summary["last_visit_on"] is not None:
                add(Measure.VISITED, kelurahan, day=summary["last_visit_on"])
        elif status == GRADUATED:
            add(Measure.GRADUATED, kelurahan)
        elif status == PROPOSED:
            add(Measure.PENDING_HOUSEHOLDS, kelurahan)
            add(Measure.PENDING_PERSONS, kelurahan, summary["extreme_poor_count"])
        if summary["next_follow_up_on"] is not None:
            add(Measure.FOLLOW_UP, kelurahan, day=summary["next_follow_up_on"])

    for item in result.values():
        _cohort(item)

    for pk, from_status, to_status, changed_at in changes:
        if pk not in active:
            continue
        item = result[pk]
        day, add, kelurahan = timezone.localdate(changed_at).replace(day=1), item.ledger.add, where[pk]
        weight = item.summary["extreme_poor_count"]
        if to_status == EP:
            add(Measure.EP_ENTERED, kelurahan, weight, day=day)
        if from_status == EP:
            add(Measure.EP_LEFT, kelurahan, weight, day=day)
        if to_status == GRADUATED:
            add(Measure.GRADUATION, kelurahan, day=day)

    for pk, opd, status, delivered_on, n, amount, _whole in work:
        if pk not in where:
            continue
        add = result[pk].ledger.add
        if status == DELIVERED:
            assert delivered_on is not None  # constraint interventions_intervention_delivered_has_date
            add(Measure.DELIVERED, where[pk], n, opd=opd, day=delivered_on, amount=amount)
            add(Measure.DELIVERED_MONTH, where[pk], n, opd=opd, day=delivered_on.replace(day=1), amount=amount)
        else:
            add(status, where[pk], n, opd=opd)
    for pk, opd, _person, first in reached:
        if pk in where:
            result[pk].ledger.add(Measure.REACHED, where[pk], opd=opd)
            result[pk].ledger.add(Measure.FIRST_REACHED, where[pk], opd=opd, day=first)

    # Referrals, like interventions, stay in their OPD's counts (and inbox) when the household is archived.
    for pk, opd, status, due_on, sent_at, fulfilled_at in referrals:
        if pk not in where:
            continue
        add, kelurahan = result[pk].ledger.add, where[pk]
        add(REFERRAL_MEASURES[status], kelurahan, opd=opd)
        if status in OPEN:
            add(Measure.REFERRAL_DUE, kelurahan, opd=opd, day=due_on)
        if status == Referral.Status.FULFILLED and fulfilled_at is not None:
            days = (timezone.localdate(fulfilled_at) - timezone.localdate(sent_at)).days
            add(Measure.REFERRAL_DAYS, kelurahan, opd=opd, bucket=days)


def _cohort(item: Derived) -> None:
    """Where each baseline member of this household stands now, counted under the kelurahan and baseline
    (bucket) they were counted in: graduated, or still extreme-poor and fell back / served / waiting, or other
    (moved, died, archived, no longer extreme-poor without graduating: the total minus the four)."""
    if not item.exists:
        return
    _kelurahan, status, archived_at = item.place
    still = status == EP and archived_at is None
    fell_back = item.summary["fell_back_at"] is not None
    add = item.ledger.add
    for baseline, kelurahan, person in item.cohort:
        add(Measure.COHORT_TOTAL, kelurahan, bucket=baseline)
        if status == GRADUATED:
            add(Measure.COHORT_GRADUATED, kelurahan, bucket=baseline)
        elif still and fell_back:
            add(Measure.COHORT_FELL_BACK, kelurahan, bucket=baseline)
        elif still and item.served[person]:
            add(Measure.COHORT_SERVED, kelurahan, bucket=baseline)
        elif still:
            add(Measure.COHORT_WAITING, kelurahan, bucket=baseline)


def refresh(household_ids: Iterable[int]) -> None:
    """Bring every stored derived value of these households in line with their rows, in the caller's
    transaction: summary columns, served flags, ledgers, and the tallies by the ledgers' differences."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    with transaction.atomic():
        for chunk in batched(ids, CHUNK):
            # Lock the ledgers first: two transactions changing one household then apply their
            # differences in turn, each reading the rows the other committed.
            stored = dict(
                Contribution.objects.select_for_update()
                .filter(household_id__in=chunk)
                .order_by("household_id")
                .values_list("household_id", "tallies")
            )
            fresh = derive(chunk)
            _write_summaries(fresh)
            _write_served(fresh)
            created: list[Contribution] = []
            changed: list[Contribution] = []
            gone: list[int] = []
            for pk in chunk:
                after = fresh[pk].ledger
                ledger = after.to_json()
                if ledger == stored.get(pk, {}):
                    continue  # nothing this household adds has changed
                for key, (n, amount) in after.items():
                    deltas[key][0] += n
                    deltas[key][1] += amount
                for key, (n, amount) in Ledger.keys_of(stored.get(pk, {})).items():
                    deltas[key][0] -= n
                    deltas[key][1] -= amount
                if not fresh[pk].exists:
                    gone.append(pk)
                else:
                    (changed if pk in stored else created).append(Contribution(household_id=pk, tallies=ledger))
            Contribution.objects.bulk_create(created)
            update_rows(Contribution, ("tallies",), [(c.household_id, c.tallies) for c in changed])
            Contribution.objects.filter(household_id__in=gone).delete()
        add_to_tallies(deltas)


def _write_summaries(fresh: dict[int, Derived]) -> None:
    stale = [
        (pk, *(item.summary[name] for name in SUMMARY_FIELDS))
        for pk, item in fresh.items()
        if item.exists and item.summary != item.stored_summary
    ]
    # Straight to the table: derived columns are not case edits (the guard would count them as one).
    update_rows(Household, SUMMARY_FIELDS, stale)


def update_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Set `fields` of many rows, each `(pk, *values)`: on PostgreSQL one `UPDATE … FROM (VALUES …)` per 500
    rows, elsewhere one prepared UPDATE run for each. Django's `bulk_update` builds a CASE per field and row
    in Python: 20 of the 44 s of a 20,000-row import were spent there."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    concrete = {field.name: field for field in model._meta.concrete_fields}
    columns = [concrete[name] for name in fields]
    quoted = [connection.ops.quote_name(column.column) for column in columns]
    values = [
        (key, *(f.get_db_prep_save(v, connection) for f, v in zip(columns, rest, strict=True))) for key, *rest in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sets = ", ".join(
                f"{name} = v.{name}::{column.db_type(connection)}" for name, column in zip(quoted, columns, strict=True)
            )
            sql = f"UPDATE {table} SET {sets} FROM (VALUES %s) AS v(pk, {', '.join(quoted)}) WHERE {table}.{pk} = v.pk"  # noqa: S608
            execute_values(cursor.cursor, sql, values, page_size=500)
        else:
            sets = ", ".join(f"{name} = %s" for name in quoted)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [(*rest, key) for key, *rest in values])  # noqa: S608


def _write_served(fresh: dict[int, Derived]) -> None:
    for value in (True, False):
        people = [
            person
            for item in fresh.values()
            for person, served in item.served.items()
            if served is value and item.stored_served[person] is not value
        ]
        for batch in batched(people, 2000):
            Person._base_manager.filter(pk__in=batch).update(is_served=value)


def _all_ids() -> list[int]:
    """Every household, and every ledger left by one that was deleted."""
    households = set(Household._base_manager.values_list("pk", flat=True))
    return sorted(households | set(Contribution.objects.values_list("household_id", flat=True)))


def rebuild() -> int:
    """Derive everything again for every household and store what differs (after bulk loads, or to
    repair); the tallies are recounted from scratch. Returns the number of households."""
    with transaction.atomic():
        Tally.objects.all().delete()
        Contribution.objects.all().delete()
        ids = _all_ids()
        refresh(ids)
    return len(ids)


LAYERS = ("summaries", "served", "ledgers", "tallies")


@dataclass
class Report:
    """What `check` found: stored values that differ from what the rows say, per layer (a few examples
    each) and how many."""

    households: int = 0
    summaries: list[tuple[int, str, Any, Any]] = field(default_factory=list)  # household, column, stored, rows
    served: list[tuple[int, bool, bool]] = field(default_factory=list)  # person, stored, rows
    ledgers: list[int] = field(default_factory=list)  # households
    tallies: list[tuple[Key, list[int], list[int]]] = field(default_factory=list)  # key, stored, rows
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAYERS, 0))

    EXAMPLES = 10

    @property
    def ok(self) -> bool:
        return not any(self.counts.values())

    def _note(self, layer: str, example: Any) -> None:
        self.counts[layer] += 1
        examples = getattr(self, layer)
        if len(examples) < self.EXAMPLES:
            examples.append(example)


def _compare(report: Report, fresh: dict[int, Derived], stored: dict[int, Any]) -> None:
    """Note each stored summary value, served flag and ledger of these households that differs from its rows."""
    for pk, item in fresh.items():
        for name, value in item.summary.items():
            if item.exists and item.stored_summary[name] != value:
                report._note("summaries", (pk, name, item.stored_summary[name], value))
        for person, served in item.served.items():
            if item.stored_served[person] != served:
                report._note("served", (person, item.stored_served[person], served))
        if item.ledger.to_json() != stored.get(pk, {}):
            report._note("ledgers", pk)


def check(progress: Callable[[int, int], None] | None = None) -> Report:
    """Derive every household again from its rows and compare each stored layer with it — summary
    columns, served flags, ledgers, and the tallies with the sum of the freshly derived ledgers (not of
    the stored ones, so a wrong ledger and a wrong tally cannot hide each other). Changes nothing."""
    report = Report()
    expected: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    ids = _all_ids()
    report.households = len(ids)
    for done, chunk in enumerate(batched(ids, CHUNK)):
        if progress is not None:
            progress(done * CHUNK, len(ids))
        stored = dict(Contribution.objects.filter(household_id__in=chunk).values_list("household_id", "tallies"))
        fresh = derive(chunk)
        _compare(report, fresh, stored)
        for item in fresh.values():
            for key, (n, amount) in item.ledger.items():
                expected[key][0] += n
                expected[key][1] += amount
    actual = {
        (measure, kelurahan, opd, day, bucket): [n, amount]
        for measure, kelurahan, opd, day, bucket, n, amount in Tally.objects.values_list(
            "measure", "kelurahan_id", "opd", "day", "bucket", "n", "amount"
        ).iterator(chunk_size=CHUNK)
    }
    keys = {key for key, value in expected.items() if any(value)} | {k for k, v in actual.items() if any(v)}
    for key in sorted(keys):
        if expected.get(key, [0, 0]) != actual.get(key, [0, 0]):
            report._note("tallies", (key, actual.get(key, [0, 0]), expected.get(key, [0, 0])))
    return report


# Repair and check while the office works. `rebuild` recounts in one transaction: at a million persons it holds
# every tally row for minutes, and its progress is invisible until it commits. `check` compares the tallies
# with ledgers derived chunk by chunk over minutes, so a case write meanwhile shows as a difference. `repair`
# and `verify` work in short transactions and see each number at one moment.


@dataclass
class Repaired:
    """What `repair` found wrong and put right, per layer — summary values, served flags, ledgers, tally rows —
    and the check after it."""

    households: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAYERS, 0))
    check: Report = field(default_factory=Report)

    @property
    def ok(self) -> bool:
        return self.check.ok


def repair(progress: Callable[[int, int], None] | None = None) -> Repaired:
    """Bring every stored layer back to what the rows say, without stopping case work: each CHUNK of
    households in its own transaction (`refresh`, as a case write does: ledgers locked, only differences
    written, the tallies moved by them), then the tally rows that differ from the sum of the stored ledgers
    in one short locked step, then everything checked again (`verify`). `progress(done, total)` counts the
    households twice: once repaired, once checked."""
    step = progress or (lambda done, total: None)
    ids = _all_ids()
    total = 2 * len(ids)
    result = Repaired(households=len(ids))
    moved: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # what fixing the ledgers added to each tally row
    for done, chunk in enumerate(batched(ids, CHUNK)):
        step(done * CHUNK, total)
        _repair_chunk(chunk, result.counts, moved)
    step(len(ids), total)
    corrected = {key: [summed[0] - row[0], summed[1] - row[1]] for key, (row, summed) in _tally_mismatches().items()}
    changed = Ledger.keys_of(moved)
    # A tally row was wrong if the ledger fixes and the correction together moved it (a wrong ledger alone
    # moves its rows away and the correction back: they were right).
    result.counts["tallies"] = sum(
        any(a + b for a, b in zip(corrected.get(key, (0, 0)), changed.get(key, (0, 0)), strict=True))
        for key in corrected.keys() | changed.keys()
    )
    result.check = verify(lambda done, _households: step(len(ids) + done, total))
    step(total, total)
    return result


def verify(progress: Callable[[int, int], None] | None = None) -> Report:
    """`check()` that holds while people work: each CHUNK of households is derived with its ledgers locked (a
    case write on them waits a moment, so rows and stored values are seen as one), and the tally rows are
    compared with the sum of those stored ledgers, the differing ones read again under a short lock. A
    wrong ledger and a wrong tally still cannot hide each other: each ledger is compared with its rows."""
    report = Report()
    ids = _all_ids()
    report.households = len(ids)
    for done, chunk in enumerate(batched(ids, CHUNK)):
        if progress is not None:
            progress(done * CHUNK, len(ids))
        with transaction.atomic():
            stored = dict(_locked_ledgers(chunk))
            fresh = derive(chunk)
        _compare(report, fresh, stored)
    for key, (actual, expected) in sorted(_tally_mismatches(correct=False).items()):
        report._note("tallies", (key, actual, expected))
    if progress is not None:
        progress(len(ids), len(ids))
    return report


def _locked_ledgers(chunk: list[int]) -> list[tuple[int, Any]]:
    """Lock these households' ledgers in `refresh`'s order: a case write on them waits for this transaction."""
    return list(
        Contribution.objects.select_for_update()
        .filter(household_id__in=chunk)
        .order_by("household_id")
        .values_list("household_id", "tallies")
    )


def _stored(chunk: list[int]) -> tuple[dict[int, dict[str, Any]], dict[int, bool], dict[int, Any]]:
    """The stored layers of some households: summary columns, members' served flags, ledgers."""
    summaries = {
        row.pop("id"): row for row in Household._base_manager.filter(pk__in=chunk).values("id", *SUMMARY_FIELDS)
    }
    served = dict(Person._base_manager.filter(household_id__in=chunk).values_list("id", "is_served"))
    ledgers = dict(Contribution.objects.filter(household_id__in=chunk).values_list("household_id", "tallies"))
    return summaries, served, ledgers


def _repair_chunk(chunk: list[int], counts: dict[str, int], moved: dict[str, list[int]]) -> None:
    with transaction.atomic():
        _locked_ledgers(chunk)  # so what differs between the two readings below is this repair's own doing
        summaries, served, ledgers = _stored(chunk)
        refresh(chunk)
        summaries_after, served_after, ledgers_after = _stored(chunk)
    counts["summaries"] += sum(
        value != summaries.get(pk, {}).get(name) for pk, row in summaries_after.items() for name, value in row.items()
    )
    counts["served"] += sum(value != served.get(person) for person, value in served_after.items())
    for pk in ledgers.keys() | ledgers_after.keys():
        before, after = ledgers.get(pk, {}), ledgers_after.get(pk, {})
        if before == after:
            continue
        counts["ledgers"] += 1
        for sign, ledger in ((-1, before), (1, after)):
            for text, (n, amount) in ledger.items():
                moved[text][0] += sign * n
                moved[text][1] += sign * amount


# Past this many keys to read again under the lock, the tally rows are read whole rather than named one by one.
NAMED_KEYS = 500


def _ledger_sums(texts: list[str] | None) -> dict[Key, list[int]]:
    """The sum of the stored ledgers per tally key (only of these keys, in the ledgers' text form, if given),
    added up by the database (in Python, decoding every ledger, it takes twice as long)."""
    table, params = Contribution._meta.db_table, list[Any]()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        sql = (
            "SELECT e.key, SUM((e.value->>0)::bigint)::bigint, SUM((e.value->>1)::bigint)::bigint "  # noqa: S608
            f"FROM {table} c CROSS JOIN LATERAL jsonb_each(c.tallies) e"  # our own table
        )
        if texts is not None:
            sql += " WHERE c.tallies ?| %s AND e.key = ANY(%s)"  # `?|`: only the ledgers holding one of them
            params = [texts, texts]
    else:  # SQLite (JSON1)
        sql = (
            "SELECT e.key, SUM(json_extract(e.value, '$[0]')), SUM(json_extract(e.value, '$[1]')) "  # noqa: S608
            f"FROM {table} c, json_each(c.tallies) e"  # our own table
        )
        if texts is not None:
            sql += f" WHERE e.key IN ({', '.join(['%s'] * len(texts))})"
            params = texts
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY e.key", params)
        return Ledger.keys_of({text: [int(n), int(amount)] for text, n, amount in cursor.fetchall()})


def _tally_differences(keys: set[Key] | None = None) -> dict[Key, tuple[list[int], list[int]]]:
    """The tally rows that differ from the sum of the stored ledgers: {key: (row, sum)}; of these keys only,
    if given (a few are read by name, many by reading all)."""
    if keys is not None and not keys:
        return {}
    rows, texts = Tally.objects.all(), None
    if keys is not None and len(keys) <= NAMED_KEYS:
        named = Q()
        for measure, kelurahan, opd, day, bucket in keys:
            named |= Q(measure=measure, kelurahan_id=kelurahan, opd=opd, day=day, bucket=bucket)
        rows, texts = rows.filter(named), [f"{m}|{k}|{o}|{d.isoformat()}|{b}" for m, k, o, d, b in keys]
    expected = _ledger_sums(texts)
    actual = {
        (measure, kelurahan, opd, day, bucket): [n, amount]
        for measure, kelurahan, opd, day, bucket, n, amount in rows.values_list(
            "measure", "kelurahan_id", "opd", "day", "bucket", "n", "amount"
        ).iterator(chunk_size=CHUNK)
    }
    differences = {}
    for key in expected.keys() | actual.keys():
        row, summed = actual.get(key, [0, 0]), expected.get(key, [0, 0])
        if row != summed:
            differences[key] = (row, summed)
    return differences


def _tally_mismatches(*, correct: bool = True) -> dict[Key, tuple[list[int], list[int]]]:
    """The tally rows that differ from the sum of the stored ledgers, {key: (row, sum)}, and, if `correct`, set
    right. Everything is read first without a lock: usually nothing differs and no one waits. The rows found
    different are read again, and corrected, in one short transaction that case writes wait for: on PostgreSQL
    the tally table is locked against writers (and against another repair: the mode conflicts with itself); on
    SQLite every write transaction is exclusive already. A case write keeps each row's distance from the sum
    of its ledgers as it is, so no other row can have gone wrong in between."""
    candidates = _tally_differences()
    if not candidates:
        return {}
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Tally._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        found = _tally_differences(set(candidates))
        if correct:
            add_to_tallies({key: [summed[0] - row[0], summed[1] - row[1]] for key, (row, summed) in found.items()})
    return found
