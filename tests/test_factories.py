"""The factories create what the app's services create, and the objects they hand back say what is stored."""

import datetime

import pytest

from audit.models import ChangeLog
from dashboard.derived import SUMMARY_FIELDS
from households.models import Household
from interventions.models import Intervention
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, ProgramFactory, VisitFactory

pytestmark = pytest.mark.django_db


def stored(household: Household) -> dict:
    row = Household.objects.get(pk=household.pk)
    return {name: getattr(row, name) for name in SUMMARY_FIELDS}


def test_a_member_is_counted_on_the_household_in_hand():
    household = HouseholdFactory()
    person = PersonFactory(household=household, full_name="Ani Lestari")
    assert (household.member_count, household.head_name) == (1, "Ani Lestari")
    assert person.household is household
    assert {name: getattr(household, name) for name in SUMMARY_FIELDS} == stored(household)


def test_a_delivery_serves_the_person_and_the_household_in_hand():
    person = PersonFactory()
    InterventionFactory(person=person, status=Intervention.Status.DELIVERED, delivered_on=datetime.date(2024, 3, 1))
    assert person.is_served
    assert (person.household.served_count, person.household.delivered_count) == (1, 1)
    assert {name: getattr(person.household, name) for name in SUMMARY_FIELDS} == stored(person.household)


def test_a_visit_is_the_households_last():
    visit = VisitFactory(visited_on=datetime.date(2024, 3, 1))
    assert visit.household.last_visit_on == datetime.date(2024, 3, 1)


def test_a_programme_is_saved_and_logged_as_an_administrator_saves_it():
    program = ProgramFactory()
    assert ChangeLog.objects.for_object(program).get().action == ChangeLog.Action.CREATE
