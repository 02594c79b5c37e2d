"""Demo accounts and the city's last count: 69 extreme-poor persons, nearly half in Kameloh Baru.

Everything is generated from a fixed seed and written through the services, so the demo has
the same history rows real work would leave. Running it again creates nothing new.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Opd, Role, User
from audit.casework import case_scope
from coordination.services import assessment_record, referral_accept, referral_decline, referral_fulfil
from dashboard.models import Baseline
from dashboard.services import baseline_take
from households.models import (
    CookingFuel,
    Disability,
    DrinkingWater,
    Education,
    Floor,
    HealthInsurance,
    Household,
    HouseholdStatusChange,
    Kelurahan,
    Lighting,
    MaritalStatus,
    Ownership,
    Person,
    RankingSource,
    Relation,
    Roof,
    Sex,
    Toilet,
    Visit,
    Wall,
)
from households.nik import make_nik
from households.rankings import ranking_record
from households.services import household_register, visit_log
from interventions.models import Intervention, Program
from interventions.services import intervention_record, intervention_transition

SOURCE = "seed_demo"
P3KE_LIST_DATE = datetime.date(2024, 1, 15)
DTSEN_LIST_DATE = datetime.date(2025, 10, 1)
SEED = 2024

# username, first name, last name, OPD short name, role
ACCOUNTS = [
    ("admin", "Admin", "Sistem", "Diskominfo", Role.ADMIN),
    ("supervisor", "Supervisor", "Dinsos", "Dinsos", Role.SUPERVISOR),
    ("dinsos", "Petugas", "Dinsos", "Dinsos", Role.CASEWORKER),
    ("disnaker", "Petugas", "Disnaker", "Disnaker", Role.CASEWORKER),
    ("disperkimtan", "Petugas", "Disperkimtan", "Disperkimtan", Role.CASEWORKER),
    ("disdukcapil", "Petugas", "Disdukcapil", "Disdukcapil", Role.CASEWORKER),
    ("dp3appkb", "Petugas", "DP3APPKB", "DP3APPKB", Role.CASEWORKER),
]

# Extreme-poor persons per kelurahan (P3KE, January 2024): 69 in all, 33 in Kameloh Baru.
EXTREME_POOR_PERSONS = {
    "Kameloh Baru": 33,
    "Danau Tundai": 13,
    "Kereng Bangkirai": 12,
    "Petuk Bukit": 4,
    "Mungku Baru": 4,
    "Bukit Sua": 3,
}
# Poor and vulnerable (not extreme-poor) households elsewhere, so the registry is not all one kind.
OTHER_HOUSEHOLDS = [
    ("Kalampangan", Household.Status.POOR),
    ("Kalampangan", Household.Status.VULNERABLE),
    ("Pahandut Seberang", Household.Status.POOR),
    ("Panarung", Household.Status.VULNERABLE),
    ("Menteng", Household.Status.POOR),
    ("Tangkiling", Household.Status.VULNERABLE),
]
NIK_REGION_BY_KECAMATAN = {"Sabangau": "627104", "Rakumpit": "627105"}
OTHER_NIK_REGIONS = ["627101", "627103", "620301", "620201"]  # Pahandut, Jekan Raya, Kapuas, Kotawaringin Barat
STREETS = ["Mahir Mahar", "Kameloh", "Tjilik Riwut", "Danau Tundai", "Sabangau", "Rakumpit", "Kalampangan", "Bereng"]
OCCUPATIONS_ADULT = ["Buruh harian lepas", "Nelayan", "Petani", "Pemulung", "Tidak bekerja", "Mengurus rumah tangga"]


@dataclass
class MemberSpec:
    full_name: str
    sex: str
    birth_date: datetime.date
    relation: str
    nik: str
    marital_status: str
    education: str
    occupation: str
    disability: str
    chronic_illness: str
    health_insurance: str


@dataclass
class HouseholdSpec:
    p3ke_id: str
    no_kk: str
    kelurahan: str
    status: str
    desil: int
    address: str
    rt: str
    rw: str
    house: dict[str, str]
    members: list[MemberSpec] = field(default_factory=list)


def _split(total: int, rng: random.Random) -> list[int]:
    """Split `total` persons into household sizes of 1 to 6."""
    sizes = []
    while total > 0:
        size = min(total, rng.choice([1, 2, 3, 3, 4, 4, 5, 6]))
        sizes.append(size)
        total -= size
    return sizes


def _birth_date(rng: random.Random, today: datetime.date, min_age: int, max_age: int) -> datetime.date:
    return today - datetime.timedelta(days=rng.randint(min_age * 365 + 1, max_age * 365 - 1))


def build_specs(today: datetime.date, kecamatan_of: dict[str, str]) -> list[HouseholdSpec]:
    """The whole demo city, generated without touching the database."""
    from faker import Faker  # a development requirement: only demo data needs it

    rng = random.Random(SEED)
    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    plan = [
        (name, Household.Status.EXTREME_POOR, size)
        for name, total in EXTREME_POOR_PERSONS.items()
        for size in _split(total, rng)
    ]
    plan += [(name, status, rng.randint(2, 5)) for name, status in OTHER_HOUSEHOLDS]
    specs = []
    serial = 0
    for number, (kelurahan, status, size) in enumerate(plan, start=1):
        extreme = status == Household.Status.EXTREME_POOR
        region = NIK_REGION_BY_KECAMATAN.get(kecamatan_of[kelurahan], "627103")
        poor_house = extreme and rng.random() < 0.7
        spec = HouseholdSpec(
            p3ke_id=f"P3KE-6271-{number:05d}",
            no_kk=f"{region}2001{number:06d}",
            kelurahan=kelurahan,
            status=status,
            desil=1 if extreme else rng.choice([2, 3, 4]),
            address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 120)}",
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 5):03d}",
            house={
                "ownership": rng.choice([Ownership.OWN, Ownership.OWN, Ownership.RENT_FREE]),
                "floor": Floor.EARTH if poor_house else rng.choice([Floor.WOOD, Floor.CEMENT]),
                "wall": Wall.WOVEN_BAMBOO if poor_house else Wall.WOOD,
                "roof": Roof.THATCH if poor_house else Roof.ZINC,
                "lighting": rng.choice([Lighting.PLN_UNMETERED, Lighting.NON_PLN, Lighting.PLN_METERED]),
                "cooking_fuel": CookingFuel.WOOD if poor_house else CookingFuel.LPG_3KG,
                "drinking_water": rng.choice(
                    [DrinkingWater.SURFACE, DrinkingWater.UNPROTECTED_WELL, DrinkingWater.BOTTLED]
                ),
                "toilet": rng.choice([Toilet.NONE, Toilet.SHARED, Toilet.PUBLIC]) if extreme else Toilet.OWN,
            },
        )
        head_sex = Sex.MALE if rng.random() < 0.75 else Sex.FEMALE
        family_name = fake.last_name_male()
        for index in range(size):
            if index == 0:
                sex, relation = head_sex, Relation.HEAD
                birth = _birth_date(rng, today, 28, 72)
            elif index == 1 and head_sex == Sex.MALE and size > 2:
                sex, relation = Sex.FEMALE, Relation.SPOUSE
                birth = _birth_date(rng, today, 25, 65)
            else:
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                relation = Relation.CHILD if rng.random() < 0.85 else Relation.GRANDCHILD
                birth = _birth_date(rng, today, 1, 24)
            adult = (today - birth).days >= 18 * 365
            first = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
            serial += 1
            nik_region = region if rng.random() < 0.85 else rng.choice(OTHER_NIK_REGIONS)
            spec.members.append(
                MemberSpec(
                    full_name=f"{first} {family_name}"
                    if sex == Sex.MALE or rng.random() < 0.5
                    else f"{first} {fake.last_name_female()}",
                    sex=sex,
                    birth_date=birth,
                    relation=relation,
                    # About one in ten has no NIK yet: getting one is itself an intervention.
                    nik=make_nik(region=nik_region, birth_date=birth, sex=sex, serial=serial)
                    if rng.random() < 0.9
                    else "",
                    marital_status=(
                        MaritalStatus.MARRIED if relation in (Relation.HEAD, Relation.SPOUSE) else MaritalStatus.SINGLE
                    )
                    if adult or relation in (Relation.HEAD, Relation.SPOUSE)
                    else "",
                    education=rng.choice(
                        [Education.NONE, Education.PRIMARY_INCOMPLETE, Education.PRIMARY, Education.JUNIOR]
                    )
                    if adult
                    else rng.choice([Education.NONE, Education.PRIMARY]),
                    occupation=rng.choice(OCCUPATIONS_ADULT)
                    if adult
                    else "Pelajar"
                    if (today - birth).days > 7 * 365
                    else "",
                    disability=Disability.PHYSICAL if rng.random() < 0.06 else Disability.NONE,
                    chronic_illness="Hipertensi" if adult and rng.random() < 0.12 else "",
                    health_insurance=rng.choice(
                        [HealthInsurance.NONE, HealthInsurance.NONE, HealthInsurance.PBI, HealthInsurance.UNKNOWN]
                    ),
                )
            )
        specs.append(spec)
    return specs


class Command(BaseCommand):
    help = "Buat akun demo dan data demo kemiskinan ekstrem Kota Palangka Raya (69 jiwa). Aman dijalankan ulang."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Jalankan walaupun DEBUG mati (jangan di produksi).")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo hanya untuk demo: DEBUG mati, jadi ini mungkin server produksi. "
                "Tambahkan --force bila yakin."
            )
        # One transaction in which every case row written (through the services, or by the dating below)
        # has its summaries and dashboard tallies brought up to date before it commits.
        with case_scope():
            users = self._accounts()
            created = self._households(users)
            if created and not Baseline.objects.exists():
                self._baseline(users)
        self.stdout.write(self.style.SUCCESS(f"Data demo siap: {created} rumah tangga baru."))
        self.stdout.write(f"Akun demo (kata sandi semua: {settings.DEMO_PASSWORD}):")
        for username, _first, _last, opd, role in ACCOUNTS:
            self.stdout.write(f"  {username:<14} {Role(role).label} · {opd}")

    def _accounts(self) -> dict[str, User]:
        users = {}
        for username, first, last, opd_name, role in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    opd=Opd.objects.get(short_name=opd_name),
                    role=role,
                    email=f"{username}@demo.palangkaraya.go.id",
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
            users[username] = user
        return users

    def _households(self, users: dict[str, User]) -> int:
        today = timezone.localdate()
        kelurahan = {k.name: k for k in Kelurahan.objects.select_related("kecamatan")}
        specs = build_specs(today, {name: k.kecamatan.name for name, k in kelurahan.items()})
        existing = set(
            Household.objects.filter(p3ke_id__in=[s.p3ke_id for s in specs]).values_list("p3ke_id", flat=True)
        )
        programs = {p.name: p for p in Program.objects.select_related("opd")}
        rng = random.Random(SEED + 1)
        created = 0
        for spec in specs:
            if spec.p3ke_id in existing:
                continue
            extreme = spec.status == Household.Status.EXTREME_POOR
            members = [{**vars(member), "is_extreme_poor": extreme} for member in spec.members]
            household = household_register(
                actor=users["dinsos"],
                source=SOURCE,
                p3ke_id=spec.p3ke_id,
                no_kk=spec.no_kk,
                kelurahan=kelurahan[spec.kelurahan],
                status=spec.status,
                address=spec.address,
                rt=spec.rt,
                rw=spec.rw,
                members=members,
                **spec.house,
            )
            # The family's places in the national lists: the 2024 P3KE list, and for the extreme poor the DTSEN
            # list of October 2025 (desil 1) as well, so case files show a history of rankings.
            ranking_record(
                household=household,
                source=RankingSource.P3KE,
                as_of=P3KE_LIST_DATE,
                desil=spec.desil,
                family_id=spec.p3ke_id,
                actor=users["dinsos"],
                via=SOURCE,
            )
            if extreme:
                ranking_record(
                    household=household,
                    source=RankingSource.DTSEN,
                    as_of=DTSEN_LIST_DATE,
                    desil=1,
                    actor=users["dinsos"],
                    via=SOURCE,
                )
            created += 1
            if household.status == Household.Status.EXTREME_POOR:
                self._casework(household, users, programs, rng, today)
                self._coordination(household, users, programs, rng, today)
        return created

    def _casework(self, household: Household, users, programs, rng: random.Random, today: datetime.date) -> None:
        """Visits and interventions spread over the last months, by several OPDs; some families get nothing yet."""
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            visited = today - datetime.timedelta(days=rng.randint(0, 150))
            follow_up = visited + datetime.timedelta(days=rng.choice([14, 30, 45]))
            visit_log(
                household=household,
                caseworker=users[rng.choice(["dinsos", "dinsos", "disnaker"])],
                purpose=rng.choice([Visit.Purpose.ASSESSMENT, Visit.Purpose.MONITORING, Visit.Purpose.FOLLOW_UP]),
                visited_on=visited,
                findings=rng.choice(
                    [
                        "Rumah berlantai tanah, atap bocor saat hujan.",
                        "Kepala keluarga bekerja serabutan, penghasilan tidak tetap.",
                        "Anak usia sekolah belum terdaftar di sekolah.",
                        "Belum memiliki BPJS Kesehatan.",
                        "Kondisi keluarga stabil, bantuan pangan sudah diterima.",
                    ]
                ),
                next_follow_up_on=follow_up,
                source=SOURCE,
            )
        if rng.random() < 0.25:
            return  # Still waiting: no intervention planned yet.
        members = list(household.members.all())
        plans: list[tuple[str, Person | None, str]] = [("BPNT/Sembako", None, "dinsos")]
        for person in members:
            age = person.age or 0
            if not person.nik:
                plans.append(("Penerbitan KTP/KK/akta kelahiran", person, "disdukcapil"))
            if person.health_insurance in (HealthInsurance.NONE, HealthInsurance.UNKNOWN) and rng.random() < 0.6:
                plans.append(("Pendaftaran PBI-JK (BPJS Kesehatan)", person, "dinsos"))
            if (
                18 <= age <= 55
                and person.relation in (Relation.HEAD, Relation.SPOUSE, Relation.CHILD)
                and rng.random() < 0.5
            ):
                plans.append(("Pelatihan kerja", person, "disnaker"))
            if age < 5 and rng.random() < 0.7:
                plans.append(("Pendampingan keluarga berisiko stunting", person, "dp3appkb"))
        if household.floor == Floor.EARTH and household.ownership == Ownership.OWN and rng.random() < 0.5:
            plans.append(("Bedah rumah tidak layak huni (RTLH)", None, "disperkimtan"))
        amounts = {"BPNT/Sembako": 600_000, "Bedah rumah tidak layak huni (RTLH)": 20_000_000}
        for program_name, person, username in plans:
            program = programs[program_name]
            planned = today - datetime.timedelta(days=rng.randint(20, 200))
            intervention = intervention_record(
                program=program,
                recorded_by=users[username],
                person=person,
                household=household,
                planned_on=planned,
                amount=amounts.get(program_name),
                source=SOURCE,
            )
            outcome = rng.random()
            if outcome < 0.55:
                intervention_transition(
                    intervention=intervention,
                    status=Intervention.Status.DELIVERED,
                    actor=users[username],
                    delivered_on=min(today, planned + datetime.timedelta(days=rng.randint(5, 60))),
                    source=SOURCE,
                )
            elif outcome < 0.8:
                intervention_transition(
                    intervention=intervention,
                    status=Intervention.Status.IN_PROGRESS,
                    actor=users[username],
                    source=SOURCE,
                )
            elif outcome < 0.85:
                intervention_transition(
                    intervention=intervention,
                    status=Intervention.Status.CANCELLED,
                    actor=users[username],
                    cancel_reason="Penerima tidak memenuhi syarat administrasi.",
                    source=SOURCE,
                )

    def _coordination(self, household: Household, users, programs, rng: random.Random, today: datetime.date) -> None:
        """Needs found at an assessment, referred to each OPD; some accepted, fulfilled or declined."""
        if rng.random() < 0.35:
            return  # not assessed yet
        members = list(household.members.all())
        needs: list[tuple[str, Person | None, str]] = []
        for person in members:
            age = person.age or 0
            if not person.nik:
                needs.append(("no_documents", person, "Belum punya KTP/akta"))
            if person.health_insurance in (HealthInsurance.NONE, HealthInsurance.UNKNOWN):
                needs.append(("no_health_insurance", person, "Belum terdaftar PBI-JK"))
            if 18 <= age <= 55 and person.occupation in ("Tidak bekerja", "Buruh harian lepas", "Pemulung"):
                needs.append(("no_work", person, person.occupation))
            if age < 5:
                needs.append(("stunting_risk", person, "Balita, perlu pemantauan gizi"))
        if household.floor == Floor.EARTH:
            needs.append(("uninhabitable_house", None, "Lantai tanah, atap bocor"))
        if household.drinking_water in (DrinkingWater.SURFACE, DrinkingWater.UNPROTECTED_WELL):
            needs.append(("no_clean_water", None, "Air minum dari sungai/sumur terbuka"))
        if household.toilet == Toilet.NONE:
            needs.append(("no_toilet", None, "Tidak ada jamban"))
        if not needs:
            return
        _assessment, referrals, _skipped = assessment_record(
            household=household,
            actor=users["dinsos"],
            needs=needs,
            assessed_on=today - datetime.timedelta(days=rng.randint(10, 120)),
        )
        handlers = {opd: user for user in users.values() if user.role == Role.CASEWORKER for opd in [user.opd_id]}
        for referral in referrals:
            handler = handlers.get(referral.opd_id)
            if handler is None:
                continue  # an OPD without demo users: still waiting in its inbox
            outcome = rng.random()
            if outcome < 0.3:
                continue
            if outcome < 0.45:
                referral_decline(referral=referral, actor=handler, reason="Bukan kewenangan kami; mohon dialihkan.")
                continue
            referral_accept(referral=referral, actor=handler)
            if outcome < 0.75:
                continue
            rule_programs = [p for p in programs.values() if p.opd_id == referral.opd_id]
            program = next(
                (p for p in rule_programs if p.target == ("person" if referral.person else "household")), None
            )
            if program is not None:
                referral_fulfil(
                    referral=referral,
                    actor=handler,
                    program=program,
                    delivered_on=today - datetime.timedelta(days=rng.randint(0, 9)),
                )

    def _baseline(self, users) -> None:
        """The demo families were registered from the P3KE list of January 2024: date their registration
        then, and store that count as the baseline the dashboard compares against."""
        registered = datetime.datetime(2024, 1, 15, 9, 0, tzinfo=timezone.get_current_timezone())
        HouseholdStatusChange.objects.filter(household__p3ke_id__startswith="P3KE-6271-", from_status="").update(
            changed_at=registered
        )
        Household.objects.filter(p3ke_id__startswith="P3KE-6271-").update(status_changed_at=registered)
        baseline_take(label="P3KE Januari 2024", actor=users["supervisor"], taken_at=registered)
