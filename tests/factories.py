"""factory_boy factories with Faker's id_ID locale. NIKs always agree with birth date and sex.

Case records are created through the services, as users create them: each is validated, logged, and
counted into the registry's summaries and the dashboard's tallies on the one path every write takes.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Opd, Role, User
from households.models import Household, Kelurahan, Person, Relation, Sex, Visit
from households.nik import make_nik
from households.services import household_register, person_add, visit_log
from interventions.models import FundingSource, Intervention, Program, Strategy, Target
from interventions.services import intervention_record, intervention_transition

TEST_PASSWORD = "uji-kata-sandi-123"

factory.Faker._DEFAULT_LOCALE = "id_ID"


def opd(short_name: str) -> Opd:
    return Opd.objects.get(short_name=short_name)


def kelurahan(name: str) -> Kelurahan:
    return Kelurahan.objects.get(name=name)


class OpdFactory(DjangoModelFactory):
    class Meta:
        model = Opd

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"Uji{n}")


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
    def _create(cls, model_class, *args, **fields):
        return household_register(actor=None, source="uji", **fields)


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
        return person_add(household=household, actor=None, source="uji", **fields)


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    opd = factory.LazyFunction(lambda: opd("Disnaker"))
    name = factory.Sequence(lambda n: f"Program uji {n}")
    strategy = Strategy.RAISE_INCOME
    target = Target.PERSON
    unit = "orang"
    funding_source = FundingSource.APBD_CITY


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
        return visit_log(source="uji", **fields)
