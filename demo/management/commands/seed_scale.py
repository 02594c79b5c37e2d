"""Province-scale synthetic data for benchmarks: households, members, interventions, visits, status
history, referrals and a baseline, written with bulk inserts (COPY on PostgreSQL).

    python manage.py seed_scale --persons 1000000

About 3.3 persons per household, 2 interventions and 0.5 visits per person, spread over all kelurahan
and the last year. Summary columns, served flags and tallies are derived from the rows afterwards by
`dashboard.derived.rebuild`, the same definition the services use. NIKs are unique but not
date-coded (this is load, not demo data); no change-log rows are written.
"""

import csv
import datetime
import io
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role, User
from coordination.models import PERSON_NEEDS, Referral, ResponsibilityRule
from dashboard import derived
from dashboard.models import Baseline, BaselinePerson
from households.models import Household, HouseholdStatusChange, Kelurahan, Person, Ranking, Visit
from interventions.models import Intervention, Program

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Ani", "Joko", "Rina", "Andi", "Sri", "Yanto", "Lina", "Hadi", "Wati"]
LAST = ["Santoso", "Hartono", "Wibowo", "Saputra", "Lestari", "Pratama", "Rahayu", "Nugroho", "Kurniawan", "Utami"]


class Writer:
    """Rows for one table, flushed in chunks: COPY on PostgreSQL, executemany elsewhere."""

    CHUNK = 20000

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.columns = [f.column for f in self.fields]
        self.rows: list[list] = []
        self.count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608 - our own table name
            self.next_id = cursor.fetchone()[0] + 1

    def add(self, **values) -> int:
        pk = values.setdefault("id", self.next_id)
        self.next_id = pk + 1
        row = []
        for field in self.fields:
            value = values.get(field.attname, values.get(field.name))
            if value is None and not field.null:
                value = field.get_default()
            row.append(value)
        self.rows.append(row)
        if len(self.rows) >= self.CHUNK:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in self.rows:
                    writer.writerow(
                        ["\\N" if v is None else ("t" if v is True else "f" if v is False else v) for v in row]
                    )
                buffer.seek(0)
                cursor.copy_expert(
                    f"COPY {table} ({', '.join(self.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES ({marks})", self.rows)  # noqa: S608
        self.count += len(self.rows)
        self.rows = []

    def finish(self) -> None:
        self.flush()
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"  # noqa: S608
                cursor.execute(sql)


class Command(BaseCommand):
    help = "Buat data sintetis skala provinsi untuk uji kecepatan (jangan di produksi)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--force", action="store_true", help="Jalankan walaupun DEBUG mati.")

    def handle(self, *args, persons: int, seed: int, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_scale hanya untuk uji kecepatan; tambahkan --force bila yakin.")
        started = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            counts = self._generate(persons, rng)
        self._analyze()
        # Rows were written in bulk, not through the services: derive the summaries, served flags and
        # tallies from them on the one path every write uses.
        tallied = time.perf_counter()
        derived.rebuild()
        counts["detik hitung dasbor"] = round(time.perf_counter() - tallied)
        self._analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            ", ".join(f"{name} {value:,}".replace(",", ".") for name, value in counts.items()) + f" dalam {elapsed:.0f} detik."
        ))  # fmt: skip

    def _analyze(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _generate(self, target: int, rng: random.Random) -> dict[str, int]:
        today = timezone.localdate()
        now = timezone.now()
        kelurahan = list(Kelurahan.objects.values_list("pk", flat=True))
        programs = list(Program.objects.filter(is_active=True).values("pk", "opd_id", "target"))
        rules = {r.need: r.opd_id for r in ResponsibilityRule.objects.all()}
        staff: list[tuple[int | None, int | None]] = list(
            User.objects.filter(role__in=[Role.CASEWORKER, Role.SUPERVISOR]).values_list("pk", "opd_id")
        ) or [(User.objects.filter(is_superuser=True).values_list("pk", flat=True).first(), None)]
        if not staff[0][0]:
            raise CommandError("Butuh paling sedikit satu pengguna (jalankan seed_demo dulu).")
        actor = staff[0][0]
        households, people = Writer(Household), Writer(Person)
        interventions, visits = Writer(Intervention), Writer(Visit)
        changes, referrals = Writer(HouseholdStatusChange), Writer(Referral)
        rankings = Writer(Ranking)
        baseline = Baseline.objects.create(
            label=f"Skala {target:,}".replace(",", "."),
            persons=0,
            households=0,
            taken_at=now - datetime.timedelta(days=365),
        )
        members_written = Writer(BaselinePerson)
        baseline_persons, baseline_households = 0, 0
        nik_serial = people.next_id
        written = 0

        def day(days_back_max: int = 365) -> datetime.date:
            return today - datetime.timedelta(days=rng.randint(0, days_back_max))

        def moment(on: datetime.date) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime.combine(on, datetime.time(9, rng.randint(0, 59))))

        while written < target:
            size = min(target - written, rng.choice([1, 2, 3, 3, 3, 4, 4, 5, 6]))
            roll = rng.random()
            status = (
                "extreme_poor"
                if roll < 0.7
                else "graduated"
                if roll < 0.8
                else "poor"
                if roll < 0.9
                else "vulnerable"
                if roll < 0.95
                else "moved"
            )
            registered = day(360)
            household_id = households.next_id
            member_rows: list[dict[str, Any]] = []
            for index in range(size):
                nik_serial += 1
                person_id = people.next_id + len(member_rows)
                member_rows.append({
                    "id": person_id,
                    "household_id": household_id,
                    "nik": f"6271{nik_serial:012d}",
                    "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "sex": "L" if index == 0 else rng.choice("LP"),
                    "birth_date": today - datetime.timedelta(days=rng.randint(0, 70 * 365)),
                    "relation": "kepala" if index == 0 else "pasangan" if index == 1 else "anak",
                    "is_extreme_poor": status in ("extreme_poor", "graduated"),
                    "status": "active",
                })  # fmt: skip
            for member in member_rows:
                for _ in range(2):
                    program = rng.choice(programs)
                    planned = day(360)
                    roll = rng.random()
                    state = (
                        "delivered"
                        if roll < 0.55
                        else "planned"
                        if roll < 0.75
                        else "in_progress"
                        if roll < 0.9
                        else "cancelled"
                    )
                    delivered_on = (
                        min(today, planned + datetime.timedelta(days=rng.randint(0, 60)))
                        if state == "delivered"
                        else None
                    )
                    interventions.add(
                        program_id=program["pk"], opd_id=program["opd_id"], household_id=household_id,
                        person_id=member["id"] if program["target"] == "person" else None, status=state, planned_on=planned,
                        delivered_on=delivered_on, cancel_reason="Tidak memenuhi syarat" if state == "cancelled" else "",
                        amount=rng.choice([None, 250_000, 600_000, 1_250_000]), notes="", recorded_by_id=actor,
                        status_changed_at=now, version=1, created_at=now, updated_at=now,
                    )  # fmt: skip
            visit_count = sum(1 for _ in member_rows if rng.random() < 0.5)
            for visit_day in sorted(day(360) for _ in range(visit_count)):
                follow_up = visit_day + datetime.timedelta(days=rng.choice([14, 30, 60]))
                visits.add(household_id=household_id, caseworker_id=rng.choice(staff)[0], visited_on=visit_day,
                           purpose="monitoring", findings="", next_follow_up_on=follow_up, created_at=now, updated_at=now)  # fmt: skip
            initial = "extreme_poor" if status in ("extreme_poor", "graduated") else status
            changes.add(
                household_id=household_id,
                from_status="",
                to_status=initial,
                changed_at=moment(registered),
                changed_by_id=actor,
                reason="Pendaftaran",
            )
            if status == "graduated" or (status == "extreme_poor" and rng.random() < 0.03):
                graduated_on = min(today, registered + datetime.timedelta(days=rng.randint(30, 300)))
                changes.add(
                    household_id=household_id,
                    from_status="extreme_poor",
                    to_status="graduated",
                    changed_at=moment(graduated_on),
                    changed_by_id=actor,
                    reason="Graduasi",
                )
                if status == "extreme_poor":
                    changes.add(
                        household_id=household_id,
                        from_status="graduated",
                        to_status="extreme_poor",
                        changed_at=moment(min(today, graduated_on + datetime.timedelta(days=rng.randint(1, 60)))),
                        changed_by_id=actor,
                        reason="Kembali",
                    )
            if status == "extreme_poor" and rng.random() < 0.3:
                need = rng.choice(list(rules))
                roll = rng.random()
                state = (
                    "sent" if roll < 0.3 else "accepted" if roll < 0.5 else "fulfilled" if roll < 0.9 else "declined"
                )
                sent = registered + datetime.timedelta(days=rng.randint(0, 30))
                referrals.add(
                    household_id=household_id, person_id=member_rows[0]["id"] if need in PERSON_NEEDS else None, need=need, note="",
                    opd_id=rules[need], status=state, due_on=sent + datetime.timedelta(days=60), sent_by_id=actor, sent_at=moment(sent),
                    decline_reason="Bukan kewenangan" if state == "declined" else "", status_changed_at=now,
                    fulfilled_at=moment(min(today, sent + datetime.timedelta(days=rng.randint(5, 90)))) if state == "fulfilled" else None,
                )  # fmt: skip
            kelurahan_id = rng.choice(kelurahan)
            rt, rw, desil = f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 6):03d}", rng.randint(1, 4)
            households.add(
                id=household_id, no_kk=f"6271{household_id:012d}", p3ke_id=f"SKALA-{household_id:09d}", kelurahan_id=kelurahan_id,
                address="Jl. Contoh", rt=rt, rw=rw, desil=desil, desil_source="p3ke", desil_as_of=registered, status=status,
                status_changed_at=moment(registered), version=1, created_at=moment(registered), updated_at=now, created_by_id=actor,
            )  # fmt: skip
            rankings.add(
                household_id=household_id, source="p3ke", as_of=registered, desil=desil, family_id=f"SKALA-{household_id:09d}",
                recorded_at=now, via="seed_scale",
            )  # fmt: skip
            for member in member_rows:
                people.add(search_name=member["full_name"].lower(), version=1, created_at=now, updated_at=now, **member)
            if initial == "extreme_poor":
                baseline_households += 1
                for member in member_rows:
                    members_written.add(
                        baseline_id=baseline.pk,
                        person_id=member["id"],
                        household_id=household_id,
                        kelurahan_id=kelurahan_id,
                    )
                    baseline_persons += 1
            written += size
        # Households first: members, interventions and the rest point at them.
        for writer in (households, people, interventions, visits, changes, referrals, members_written, rankings):
            writer.finish()
        baseline.persons, baseline.households = baseline_persons, baseline_households
        baseline.save(update_fields=["persons", "households"])
        return {
            "rumah tangga": households.count, "jiwa": people.count, "intervensi": interventions.count,
            "kunjungan": visits.count, "riwayat status": changes.count, "rujukan": referrals.count,
        }  # fmt: skip
