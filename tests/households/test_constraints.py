"""The database itself refuses data that breaks the invariants, whatever path wrote it: these rows are
written straight to the tables (inside a case scope, skipping every form and service check)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from audit.casework import case_scope
from households.models import Household, Person, Visit
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, VisitFactory, kelurahan

pytestmark = pytest.mark.django_db


def rejected(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic(), case_scope():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def raw_household(**fields) -> Household:
    return Household.objects.create(**{"kelurahan": kelurahan("Kameloh Baru"), "address": "Jl. Uji", **fields})


def raw_person(**fields) -> Person:
    household = fields.pop("household", None) or raw_household()
    return Person.objects.create(
        **{"household": household, "full_name": "Uji", "sex": "L", "relation": "kepala", **fields}
    )


def raw_visit(**fields) -> Visit:
    return Visit.objects.create(
        **{"household": raw_household(), "caseworker": UserFactory(), "purpose": "monitoring", **fields}
    )


def test_two_persons_cannot_share_a_nik():
    person = PersonFactory()
    assert rejected(raw_person, nik=person.nik)


def test_many_persons_may_have_no_nik_yet():
    PersonFactory(nik="")
    PersonFactory(nik="")
    assert Person.objects.filter(nik="").count() == 2


def test_two_households_cannot_share_a_no_kk_but_may_both_lack_one():
    household = HouseholdFactory()
    assert rejected(raw_household, no_kk=household.no_kk)
    HouseholdFactory(no_kk="")
    HouseholdFactory(no_kk="")


def test_two_households_cannot_share_a_p3ke_id():
    household = HouseholdFactory()
    assert rejected(raw_household, p3ke_id=household.p3ke_id)


@pytest.mark.parametrize("desil", [0, 11])
def test_desil_outside_one_to_ten_is_rejected(desil):
    assert rejected(raw_household, desil=desil)


def test_unknown_household_status_is_rejected():
    household = HouseholdFactory()
    assert rejected(lambda: Household.objects.filter(pk=household.pk).update(status="kaya"))


def test_half_a_coordinate_pair_is_rejected():
    assert rejected(raw_household, latitude=-2.2, longitude=None)


def test_unknown_sex_is_rejected():
    assert rejected(raw_person, sex="X", nik="")


def test_follow_up_before_the_visit_is_rejected():
    assert rejected(raw_visit, visited_on=datetime.date(2024, 3, 1), next_follow_up_on=datetime.date(2024, 2, 1))


def test_unknown_visit_purpose_is_rejected():
    assert rejected(raw_visit, purpose="pesta")


def test_user_without_opd_is_rejected_unless_superuser():
    assert rejected(UserFactory, opd=None)
    UserFactory(opd=None, is_superuser=True)


def test_unknown_role_is_rejected():
    assert rejected(UserFactory, role="raja")


def test_a_household_with_members_cannot_be_deleted_at_the_database():
    person = PersonFactory()
    with pytest.raises(Exception), transaction.atomic(), case_scope():  # noqa: B017 - ProtectedError or IntegrityError
        person.household.delete()
    assert Household.objects.filter(pk=person.household_id).exists()


def test_visit_factory_defaults_are_valid():
    visit = VisitFactory()
    visit.full_clean()
    assert Visit.objects.count() == 1
