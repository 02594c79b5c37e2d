"""factory_boy factories with Faker's id_ID locale. NIKs always agree with birth date and sex."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Opd, Role, User
from dashboard import tallies
from households.models import Household, Kelurahan, Person, Relation, Sex, Visit
from households.nik import make_nik
from interventions.models import FundingSource, Intervention, Program, Strategy, Target

TEST_PASSWORD = "uji-kata-sandi-123"

factory.Faker._DEFAULT_LOCALE = "id_ID"


class CaseFactory(DjangoModelFactory):
    """Writes case rows directly, as an import does, and, like an import, counts the household into the
    dashboard's tallies. (Summary columns changed later by hand need `tallies.refresh` again.)"""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            tallies.refresh([instance.pk if isinstance(instance, Household) else instance.household_id])


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


class HouseholdFactory(CaseFactory):
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


class PersonFactory(CaseFactory):
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


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    opd = factory.LazyFunction(lambda: opd("Disnaker"))
    name = factory.Sequence(lambda n: f"Program uji {n}")
    strategy = Strategy.RAISE_INCOME
    target = Target.PERSON
    unit = "orang"
    funding_source = FundingSource.APBD_CITY


class InterventionFactory(CaseFactory):
    class Meta:
        model = Intervention

    program = factory.SubFactory(ProgramFactory)
    opd = factory.LazyAttribute(lambda i: i.program.opd)
    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda i: i.person.household)
    recorded_by = factory.SubFactory(UserFactory)
    planned_on = datetime.date(2024, 2, 1)


class VisitFactory(CaseFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    caseworker = factory.SubFactory(UserFactory)
    visited_on = datetime.date(2024, 3, 1)
    purpose = Visit.Purpose.MONITORING
    findings = "Kondisi rumah masih sama."
