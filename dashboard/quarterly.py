"""The quarterly report on extreme poverty (Inpres 8/2025), for Bapperida and the province.

For one quarter, per kecamatan and kelurahan: the official extreme-poor count (the one rule of `dashboard.derived`:
extreme-poor members of non-archived households whose status is "miskin ekstrem") at the quarter's start and
end, the households that entered and left it in the quarter with their reasons, the interventions delivered per
OPD and programme with persons reached and Rupiah, the referrals still open at the end, and the DTSEN proposals
sent, approved and rejected.

Everything is read from rows that carry their own dates: a household's status at a moment is the last
`HouseholdStatusChange` before it; a referral's state is its last `ReferralEvent` before it; a delivery counts in
the quarter of its `delivered_on`. What the history does not keep is read as it is now, and said so in the report:
a household's kelurahan, whether it is archived (and since when), and which members are extreme poor (a member
recorded with the household counts whenever the household does; one added later, from the day they were
recorded). So that the same quarter gives the same numbers later, a report made
after its quarter ended is stored and **frozen** (`QuarterlyReport.final`); asking again gives the stored one.
A report of the current quarter is provisional and made afresh each time.

`compute()` is the only definition; `tests/dashboard/test_quarterly.py` checks it against a recount from the raw
rows for two quarters.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from coordination.models import DtsenProposal, Referral, ReferralEvent
from dashboard.tallies import OPEN
from households.models import Household, HouseholdStatusChange, Kelurahan, Person
from interventions.models import Intervention, Program

EP = Household.Status.EXTREME_POOR
JAKARTA = ZoneInfo(settings.TIME_ZONE)
CHUNK = 5000
Step = Callable[[int, int], None]


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.next().first_day - datetime.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def start(self) -> datetime.datetime:
        """The quarter's first moment, in Jakarta: counts "at the start" are of just before it."""
        return datetime.datetime.combine(self.first_day, datetime.time(), tzinfo=JAKARTA)

    @property
    def end(self) -> datetime.datetime:
        return self.next().start

    @property
    def label(self) -> str:
        return f"Triwulan {['I', 'II', 'III', 'IV'][self.number - 1]} {self.year}"

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.number}"


def _statuses_before(moments: tuple[datetime.datetime, ...], rows: Any) -> list[dict[int, str]]:
    """For each moment, every household's status just before it, from status-change rows `(household, changed_at,
    to_status, …)` ordered by household and time (a household with no change before a moment did not exist yet).
    One pass, keeping only the answers: the history of a million households is never held at once."""
    found: list[dict[int, str]] = [{} for _moment in moments]
    for pk, changed_at, to_status, *_rest in rows:
        for index, moment in enumerate(moments):
            if changed_at < moment:
                found[index][pk] = to_status  # later rows of the household overwrite: the last one wins
    return found


# Members recorded with their household (its registration or the import that created it) count from the
# household's own history; a member added later counts from the day they were recorded.
WITH_HOUSEHOLD = datetime.timedelta(days=1)
ALWAYS = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _members(households: set[int]) -> dict[int, list[datetime.datetime]]:
    """From when each extreme-poor member (as recorded now) of these households counts. Read whole, not by a
    list of ids (SQLite takes at most 32,766 parameters)."""
    members: dict[int, list[datetime.datetime]] = defaultdict(list)
    for pk, created_at, household_created_at in (
        Person.objects.filter(is_extreme_poor=True, status=Person.Status.ACTIVE)
        .values_list("household_id", "created_at", "household__created_at")
        .iterator(chunk_size=CHUNK)
    ):
        if pk in households:
            members[pk].append(ALWAYS if created_at <= household_created_at + WITH_HOUSEHOLD else created_at)
    return members


def official_households_at(day: datetime.date) -> set[int]:
    """The households in the official count at the end of `day` (Jakarta)."""
    moment = _end_of(day)
    archived = dict(Household.objects.values_list("pk", "archived_at"))
    changes = (
        HouseholdStatusChange.objects.filter(changed_at__lt=moment)
        .order_by("household_id", "changed_at", "id")
        .values_list("household_id", "changed_at", "to_status")
        .iterator(chunk_size=CHUNK)
    )
    (status,) = _statuses_before((moment,), changes)

    return _counted(status, archived, moment)


def _counted(
    status: dict[int, str], archived: dict[int, datetime.datetime | None], moment: datetime.datetime
) -> set[int]:
    """The households in the official count at `moment`: extreme poor then, still in the register (`archived`
    holds every household) and not archived before it."""
    return {
        pk
        for pk, value in status.items()
        if value == EP and pk in archived and ((at := archived[pk]) is None or at >= moment)
    }


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=JAKARTA)


def official_at(day: datetime.date, counted: set[int] | None = None) -> dict[str, Any]:
    """The official count at the end of `day` (Jakarta), per kelurahan, by the same rules as the quarterly report
    (`counted`: `official_households_at(day)`, if the caller has it already)."""
    moment = _end_of(day)
    counted = official_households_at(day) if counted is None else counted
    places = dict(Household.objects.values_list("pk", "kelurahan_id"))
    members = _members(counted)
    rows: dict[int, Counter[str]] = defaultdict(Counter)
    for pk in counted:
        rows[places[pk]]["households"] += 1
        rows[places[pk]]["persons"] += sum(1 for created_at in members[pk] if created_at < moment)
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code")
    return {
        "day": day.isoformat(),
        "households": len(counted),
        "persons": sum(row["persons"] for row in rows.values()),
        "places": [
            {"kecamatan": k.kecamatan.name, "kelurahan": k.name, **rows[k.pk]} for k in kelurahan if k.pk in rows
        ],
    }


def compute(quarter: Quarter, step: Step | None = None) -> dict[str, Any]:
    """The report of `quarter` as plain data (stored as JSON and read by the xlsx and the A4 page)."""
    start, end = quarter.start, quarter.end
    places = {k.pk: k for k in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code")}
    kelurahan_of = dict(Household.objects.values_list("pk", "kelurahan_id"))
    archived = dict(Household.objects.values_list("pk", "archived_at"))
    total = len(kelurahan_of)

    # Each household's status at the start and at the end, and the quarter's movements, in one pass.
    movements: list[tuple[datetime.datetime, int, str, str, str]] = []  # at, household, from, to, reason

    def changes() -> Any:
        for pk, changed_at, from_status, to_status, reason in (
            HouseholdStatusChange.objects.filter(changed_at__lt=end)
            .order_by("household_id", "changed_at", "id")
            .values_list("household_id", "changed_at", "from_status", "to_status", "reason")
            .iterator(chunk_size=CHUNK)
        ):
            if changed_at >= start and (from_status == EP) != (to_status == EP):
                movements.append((changed_at, pk, from_status, to_status, reason))
            yield pk, changed_at, to_status

    if step:
        step(0, total)
    at_start, at_end = _statuses_before((start, end), changes())

    start_set, end_set = _counted(at_start, archived, start), _counted(at_end, archived, end)
    members = _members(start_set | end_set)

    def persons(pk: int, moment: datetime.datetime) -> int:
        return sum(1 for created_at in members[pk] if created_at < moment)

    rows: dict[int, Counter[str]] = defaultdict(Counter)
    for pk in start_set:
        row = rows[kelurahan_of[pk]]
        row["households_start"] += 1
        row["persons_start"] += persons(pk, start)
    for pk in end_set:
        row = rows[kelurahan_of[pk]]
        row["households_end"] += 1
        row["persons_end"] += persons(pk, end)
    transitions: Counter[tuple[str, str]] = Counter()
    movement_rows = []
    for changed_at, pk, from_status, to_status, reason in sorted(movements):
        entering = to_status == EP
        rows[kelurahan_of[pk]]["entered" if entering else "left"] += 1
        transitions[(from_status, to_status)] += 1
        movement_rows.append(
            [changed_at.astimezone(start.tzinfo).strftime("%d/%m/%Y"), pk, kelurahan_of[pk], from_status, to_status,
             reason]
        )  # fmt: skip

    # Households archived in the quarter while extreme poor leave the count without a status change.
    def archived_in_quarter(pk: int) -> bool:
        archived_at = archived.get(pk)
        return archived_at is not None and start <= archived_at < end

    leaving = start_set | {m[1] for m in movements}
    for pk in [pk for pk in leaving if archived_in_quarter(pk) and at_end.get(pk) == EP]:
        rows[kelurahan_of[pk]]["archived"] += 1
        transitions[(EP, "archived")] += 1

    # Deliveries of the quarter, per OPD and programme.
    delivered = (
        Intervention.objects.filter(
            status=Intervention.Status.DELIVERED,
            delivered_on__gte=quarter.first_day,
            delivered_on__lte=quarter.last_day,
        )
        .values("opd_id", "program_id")
        .annotate(
            n=Count("id"),
            persons=Count("person_id", distinct=True),
            households=Count("household_id", distinct=True, filter=Q(person__isnull=True)),
            amount=Sum("amount"),
        )
        .order_by()
    )
    opds = dict(Opd.objects.values_list("pk", "short_name"))
    programs = dict(Program.objects.values_list("pk", "name"))
    deliveries = sorted(
        (
            [opds.get(d["opd_id"], ""), programs.get(d["program_id"], ""), d["n"], d["persons"], d["households"],
             d["amount"] or 0]
            for d in delivered
        ),
        key=lambda r: (r[0], r[1]),
    )  # fmt: skip

    # Referrals open at the quarter's end, per OPD: the last step before the end left them sent or accepted.
    last_step: dict[int, tuple[str, int]] = {}
    for referral, to_status, opd in (
        ReferralEvent.objects.filter(at__lt=end)
        .order_by("referral_id", "at", "id")
        .values_list("referral_id", "to_status", "opd_id")
        .iterator(chunk_size=CHUNK)
    ):
        last_step[referral] = (to_status, opd)
    open_referrals = Counter(opds.get(opd, "") for to_status, opd in last_step.values() if to_status in OPEN)

    proposals = DtsenProposal.objects.all()
    sent = Counter(
        dict(proposals.filter(proposed_at__gte=start, proposed_at__lt=end).values_list("kind").annotate(n=Count("id")))
    )
    decided = proposals.filter(decided_at__gte=start, decided_at__lt=end)
    approved = Counter(dict(decided.filter(state="approved").values_list("kind").annotate(n=Count("id")).order_by()))
    rejected = Counter(dict(decided.filter(state="rejected").values_list("kind").annotate(n=Count("id")).order_by()))

    place_rows = []
    for pk, kelurahan in places.items():
        row = rows.get(pk, Counter())
        place_rows.append(
            {
                "kecamatan": kelurahan.kecamatan.name,
                "kelurahan": kelurahan.name,
                "kelurahan_id": pk,
                **{
                    key: row[key]
                    for key in ("households_start", "persons_start", "entered", "left", "archived", "households_end",
                                "persons_end")
                },
            }
        )  # fmt: skip
    if step:
        step(total, total)
    return {
        "quarter": [quarter.year, quarter.number],
        "label": quarter.label,
        "first_day": quarter.first_day.isoformat(),
        "last_day": quarter.last_day.isoformat(),
        "places": place_rows,
        "transitions": sorted([from_status, to_status, n] for (from_status, to_status), n in transitions.items()),
        "movements": movement_rows,
        "deliveries": deliveries,
        "open_referrals": sorted([opd, n] for opd, n in open_referrals.items()),
        "proposals": [[kind, sent[kind], approved[kind], rejected[kind]] for kind in DtsenProposal.Kind.values],
        "open_referrals_total": sum(open_referrals.values()),
        "referrals_total": Referral.objects.filter(sent_at__lt=end).count(),
    }


STATUS_LABELS = {**dict(Household.Status.choices), "": "(baru terdaftar)", "archived": "(diarsipkan)"}
KIND_LABELS = dict(DtsenProposal.Kind.choices)
PLACE_COLUMNS = (
    ("households_start", _("Rumah tangga miskin ekstrem awal triwulan")),
    ("persons_start", _("Jiwa miskin ekstrem awal triwulan")),
    ("entered", _("Rumah tangga masuk")),
    ("left", _("Rumah tangga keluar")),
    ("archived", _("Rumah tangga diarsipkan")),
    ("households_end", _("Rumah tangga miskin ekstrem akhir triwulan")),
    ("persons_end", _("Jiwa miskin ekstrem akhir triwulan")),
)
NOTE = _(
    "Angka resmi: anggota miskin ekstrem dari rumah tangga berstatus miskin ekstrem yang tidak diarsipkan. Status "
    "pada suatu saat dibaca dari riwayat status; kelurahan, arsip dan anggota miskin ekstrem dibaca seperti "
    "tercatat sekarang (anggota yang ditambahkan belakangan dihitung sejak dicatat). Laporan triwulan yang sudah "
    "berakhir dibekukan saat pertama dibuat."
)


def totals(data: dict[str, Any]) -> dict[str, int]:
    return {key: sum(row[key] for row in data["places"]) for key, _label in PLACE_COLUMNS}


def workbook_rows(data: dict[str, Any], *, final: bool, made_at: datetime.datetime) -> dict[str, list[list[Any]]]:
    """The report's sheets (title -> rows, header first), the same numbers as the A4 page."""
    names = {row["kelurahan_id"]: row["kelurahan"] for row in data["places"]}
    summary = totals(data)
    made = made_at.astimezone(JAKARTA).strftime("%d/%m/%Y %H:%M")
    state = f"dibekukan {made}" if final else f"SEMENTARA (triwulan belum berakhir), dibuat {made}"
    return {
        "Ringkasan": [
            ["Laporan triwulan penghapusan kemiskinan ekstrem (Inpres 8/2025)", "Kota Palangka Raya"],
            ["Triwulan", data["label"]],
            ["Periode", f"{_d(data['first_day'])} – {_d(data['last_day'])}"],
            ["Status laporan", state],
            *[[str(label), summary[key]] for key, label in PLACE_COLUMNS],
            ["Rujukan terbuka pada akhir triwulan", data["open_referrals_total"]],
            ["Catatan", str(NOTE)],
        ],
        "Per kelurahan": [
            ["Kecamatan", "Kelurahan", *[str(label) for _key, label in PLACE_COLUMNS]],
            *[[row["kecamatan"], row["kelurahan"], *[row[key] for key, _l in PLACE_COLUMNS]] for row in data["places"]],
            ["Kota Palangka Raya", "", *[summary[key] for key, _l in PLACE_COLUMNS]],
        ],
        "Masuk dan keluar": [
            ["Dari status", "Menjadi", "Jumlah rumah tangga"],
            *[[STATUS_LABELS.get(a, a), STATUS_LABELS.get(b, b), n] for a, b, n in data["transitions"]],
            [],
            ["Tanggal", "No. rumah tangga", "Kelurahan", "Dari status", "Menjadi", "Alasan"],
            *[
                [day, pk, names.get(k, ""), STATUS_LABELS.get(a, a), STATUS_LABELS.get(b, b), reason]
                for day, pk, k, a, b, reason in data["movements"]
            ],
        ],  # fmt: skip
        "Intervensi tersalurkan": [
            ["OPD", "Program", "Intervensi", "Jiwa terjangkau", "Rumah tangga (bantuan per rumah tangga)", "Rupiah"],
            *data["deliveries"],
        ],
        "Rujukan terbuka": [["OPD", "Rujukan terbuka pada akhir triwulan"], *data["open_referrals"]],
        "Usulan DTSEN": [
            ["Jenis usulan", "Diusulkan", "Disetujui", "Ditolak"],
            *[
                [KIND_LABELS.get(kind, kind), sent, approved, rejected]
                for kind, sent, approved, rejected in data["proposals"]
            ],
        ],
    }


def _d(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
