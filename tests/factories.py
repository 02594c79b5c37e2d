"""factory_boy factories with Faker's id_ID locale. NIKs always agree with birth date and sex.

Records are created through the services, as users create them: each is validated, logged, and (case
records) counted into the registry's summaries and the dashboard's tallies on the one path every write takes.
The objects a factory hands back (and the household or person given to it) show those derived numbers as
they are stored.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Opd, Role, User
from accounts.services import opd_save
from dashboard.derived import SUMMARY_FIELDS
from households.models import Household, Kelurahan, Person, RankingSource, Relation, Sex, Visit
from households.nik import make_nik
from households.rankings import ranking_record
from households.services import household_register, person_add, visit_log
from interventions.models import FundingSource, Intervention, Program, Strategy, Target
from interventions.services import intervention_record, intervention_transition, program_save

TEST_PASSWORD = "uji-kata-sandi-123"

factory.Faker._DEFAULT_LOCALE = "id_ID"


def opd(short_name: str) -> Opd:
    return Opd.objects.get(short_name=short_name)


def kelurahan(name: str) -> Kelurahan:
    return Kelurahan.objects.get(name=name)


def _as_stored(household: Household | None = None, person: Person | None = None) -> None:
    """Bring the derived columns of these in-memory objects up to what the service stored."""
    if household is not None:
        household.refresh_from_db(fields=SUMMARY_FIELDS)
    if person is not None:
        person.refresh_from_db(fields=["is_served"])


class OpdFactory(DjangoModelFactory):
    class Meta:
        model = Opd

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"Uji{n}")

    @classmethod
    def _create(cls, model_class, *args, **fields):
        return opd_save(actor=None, **fields)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@contoh.go.id")
    opd = factory.LazyFunction(lambda: opd("Dinsos"))
    role = Role.CASEWORKER
    # Written straight to the table, as seed_demo and createsuperuser write accounts: tests count the change
    # log's rows without the cast's, and tests/households/test_constraints.py needs the database's own refusal.
    password = factory.django.Password(TEST_PASSWORD)


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    kelurahan = factory.LazyFunction(lambda: kelurahan("Kameloh Baru"))
    address = factory.Faker("street_address")
    rt = "001"
    rw = "002"
    desil = 1
    status = Household.Status.EXTREME_POOR
    no_kk = factory.Sequence(lambda n: f"627104{n + 1:010d}")
    p3ke_id = factory.Sequence(lambda n: f"P3KE-UJI-{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, desil=None, **fields):
        household = household_register(actor=None, source="uji", **fields)
        if desil is not None:  # the household's desil is its latest national ranking
            ranking_record(
                household=household,
                source=RankingSource.P3KE,
                as_of=datetime.date(2024, 1, 15),
                desil=desil,
                actor=None,
            )
            household.refresh_from_db()
        return household


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Faker("name")
    sex = Sex.MALE
    birth_date = datetime.date(1985, 3, 12)
    relation = Relation.HEAD
    is_extreme_poor = True
    nik = factory.LazyAttributeSequence(
        lambda p, n: make_nik(region="627104", birth_date=p.birth_date, sex=p.sex, serial=n % 9999 + 1)
    )

    @classmethod
    def _create(cls, model_class, *args, household, **fields):
        person = person_add(household=household, actor=None, source="uji", **fields)
        _as_stored(household)
        return person


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    opd = factory.LazyFunction(lambda: opd("Disnaker"))
    name = factory.Sequence(lambda n: f"Program uji {n}")
    strategy = Strategy.RAISE_INCOME
    target = Target.PERSON
    unit = "orang"
    funding_source = FundingSource.APBD_CITY

    @classmethod
    def _create(cls, model_class, *args, **fields):
        return program_save(actor=None, **fields)


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention

    program = factory.SubFactory(ProgramFactory)
    opd = factory.LazyAttribute(lambda i: i.program.opd)
    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda i: i.person.household)
    recorded_by = factory.SubFactory(UserFactory)
    planned_on = datetime.date(2024, 2, 1)

    @classmethod
    def _create(cls, model_class, *args, opd=None, status=Intervention.Status.PLANNED, **fields):
        """Recorded as a plan, then moved to `status` (with `delivered_on` / `cancel_reason`) as a user would."""
        moves = {name: fields.pop(name) for name in ("delivered_on", "cancel_reason") if name in fields}
        if isinstance(moves.get("delivered_on"), str):
            moves["delivered_on"] = datetime.date.fromisoformat(moves["delivered_on"])
        intervention = intervention_record(source="uji", **fields)
        if status != Intervention.Status.PLANNED:
            intervention = intervention_transition(
                intervention=intervention, status=status, actor=fields["recorded_by"], source="uji", **moves
            )
        _as_stored(fields.get("household"), fields.get("person"))
        return intervention


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    caseworker = factory.SubFactory(UserFactory)
    visited_on = datetime.date(2024, 3, 1)
    purpose = Visit.Purpose.MONITORING
    findings = "Kondisi rumah masih sama."

    @classmethod
    def _create(cls, model_class, *args, **fields):
        visit = visit_log(source="uji", **fields)
        _as_stored(fields["household"])
        return visit
