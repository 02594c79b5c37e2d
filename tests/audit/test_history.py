"""Every change to case data leaves a history row with the acting user."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.models import ChangeLog
from core.errors import DomainError, StaleEditError
from households.models import Household, HouseholdStatusChange, Person
from households.services import (
    household_change_status,
    household_register,
    household_update,
    person_move,
    person_update,
    visit_log,
)
from interventions.models import Intervention
from interventions.services import intervention_record, intervention_transition
from tests.factories import HouseholdFactory, PersonFactory, ProgramFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def register(actor) -> Household:
    return household_register(
        actor=actor,
        kelurahan=kelurahan("Kameloh Baru"),
        address="Jl. Mahir Mahar No. 5",
        members=[
            {
                "full_name": "Budi Santoso",
                "sex": "L",
                "birth_date": datetime.date(1980, 1, 2),
                "relation": "kepala",
                "nik": "6271040201800001",
            }
        ],
    )


def test_registering_a_household_records_who_created_it_and_its_members(dinsos_caseworker):
    household = register(dinsos_caseworker)
    rows = ChangeLog.objects.for_case(household.pk)
    assert {(row.content_type.model, row.action, row.actor_id) for row in rows} == {
        ("household", "create", dinsos_caseworker.pk),
        ("person", "create", dinsos_caseworker.pk),
    }
    person_row = rows.get(content_type=ContentType.objects.get_for_model(Person))
    assert person_row.changes["full_name"] == [None, "Budi Santoso"]
    assert HouseholdStatusChange.objects.get(household=household).to_status == Household.Status.EXTREME_POOR


def test_an_update_records_old_and_new_values(dinsos_caseworker):
    household = register(dinsos_caseworker)
    household_update(household=household, actor=dinsos_caseworker, expected_version=household.version, rt="007")
    row = ChangeLog.objects.for_object(household).get(action=ChangeLog.Action.UPDATE)
    assert row.changes == {"rt": [None, "007"]}
    assert row.actor == dinsos_caseworker


def test_an_update_that_changes_nothing_writes_no_row(dinsos_caseworker):
    household = register(dinsos_caseworker)
    household_update(household=household, actor=dinsos_caseworker, expected_version=household.version)
    assert not ChangeLog.objects.for_object(household).filter(action=ChangeLog.Action.UPDATE).exists()


def test_a_stale_edit_is_refused_and_changes_nothing(dinsos_caseworker, supervisor):
    household = register(dinsos_caseworker)
    opened_at = household.version
    household_update(
        household=Household.objects.get(pk=household.pk), actor=supervisor, expected_version=opened_at, rt="001"
    )
    with pytest.raises(StaleEditError):
        household_update(household=household, actor=dinsos_caseworker, expected_version=opened_at, rt="009")
    assert Household.objects.get(pk=household.pk).rt == "001"


def test_a_status_change_keeps_who_when_and_why(supervisor):
    household = HouseholdFactory()
    household_change_status(
        household=household, status=Household.Status.MOVED, reason="Pindah ke Kapuas", actor=supervisor
    )
    change = HouseholdStatusChange.objects.get(household=household, to_status=Household.Status.MOVED)
    assert (change.from_status, change.changed_by, change.reason) == ("extreme_poor", supervisor, "Pindah ke Kapuas")
    row = ChangeLog.objects.for_object(household).get(action=ChangeLog.Action.UPDATE)
    assert row.changes["status"] == ["Miskin ekstrem", "Pindah"]
    assert row.note == "Pindah ke Kapuas"


def test_a_status_change_without_reason_is_refused(supervisor):
    household = HouseholdFactory()
    logged = ChangeLog.objects.count()
    with pytest.raises(DomainError):
        household_change_status(household=household, status=Household.Status.MOVED, reason="  ", actor=supervisor)
    household.refresh_from_db()
    assert household.status == Household.Status.EXTREME_POOR
    assert ChangeLog.objects.count() == logged


def test_person_update_and_move_are_recorded_on_both_case_files(dinsos_caseworker):
    person = PersonFactory()
    person = person_update(
        person=person, actor=dinsos_caseworker, expected_version=person.version, occupation="Nelayan"
    )
    target, origin = HouseholdFactory(), person.household_id
    person_move(person=person, to_household=target, actor=dinsos_caseworker, reason="Menikah")
    assert ChangeLog.objects.for_case(target.pk).get(object_id=person.pk).note == "Menikah"
    person_rows = ChangeLog.objects.for_case(origin).filter(object_id=person.pk, action=ChangeLog.Action.UPDATE)
    assert person_rows.count() == 2  # the edit and the move
    old_case_rows = ChangeLog.objects.filter(object_id=person.pk, content_type__model="person")
    assert old_case_rows.count() == 4  # registered, edited, and the move on both case files


def test_visits_and_intervention_transitions_are_recorded(disnaker_caseworker):
    person = PersonFactory()
    before = ChangeLog.objects.for_case(person.household_id).count()  # the registration's own rows
    visit_log(household=person.household, caseworker=disnaker_caseworker, purpose="monitoring")
    intervention = intervention_record(program=ProgramFactory(), person=person, recorded_by=disnaker_caseworker)
    intervention_transition(
        intervention=intervention,
        status=Intervention.Status.DELIVERED,
        delivered_on=datetime.date.today(),
        actor=disnaker_caseworker,
    )
    rows = ChangeLog.objects.for_case(person.household_id)
    assert [(r.content_type.model, r.action) for r in rows.order_by("id")][before:] == [
        ("visit", "create"),
        ("intervention", "create"),
        ("intervention", "update"),
    ]
    assert rows.order_by("id").last().changes["status"] == ["Direncanakan", "Tersalurkan"]


def test_an_invalid_transition_is_refused(disnaker_caseworker):
    intervention = intervention_record(
        program=ProgramFactory(), person=PersonFactory(), recorded_by=disnaker_caseworker
    )
    intervention_transition(
        intervention=intervention, status="cancelled", cancel_reason="Salah sasaran", actor=disnaker_caseworker
    )
    with pytest.raises(DomainError):
        intervention_transition(
            intervention=intervention, status="delivered", delivered_on=datetime.date.today(), actor=disnaker_caseworker
        )
    assert Intervention.objects.get(pk=intervention.pk).status == "cancelled"


def test_saving_in_django_admin_is_recorded(client, db):
    from tests.factories import UserFactory

    superuser = UserFactory(is_superuser=True, is_staff=True, role="admin")
    household = HouseholdFactory(rt="001")
    client.force_login(superuser)
    url = reverse("admin:households_household_change", args=[household.pk])
    form = page_form(client.get(url))  # Django admin's own change form, as rendered
    form["rt"] = "005"
    response = form.submit(client, button="_save")
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row = ChangeLog.objects.for_object(household).get(action=ChangeLog.Action.UPDATE)
    assert (row.actor, row.source, row.changes["rt"]) == (superuser, "admin", ["001", "005"])


def test_the_admin_history_button_lists_the_records_change_log(client, supervisor):
    from tests.factories import UserFactory

    household = register(supervisor)
    client.force_login(UserFactory(is_superuser=True, is_staff=True, role="admin"))
    response = client.get(reverse("admin:households_household_history", args=[household.pk]), follow=True)
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == list(ChangeLog.objects.for_object(household))
