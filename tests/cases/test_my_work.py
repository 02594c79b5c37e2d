import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from households.services import visit_log
from interventions.models import Program
from interventions.services import intervention_record, intervention_transition
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:my_work")


def test_my_work_lists_due_follow_ups_open_interventions_of_my_opd_and_recent_visits(
    client_as, disnaker_caseworker, dinsos_caseworker
):
    today = timezone.localdate()
    overdue, later, revisited = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    visit_log(
        household=overdue,
        caseworker=disnaker_caseworker,
        purpose="monitoring",
        visited_on=today - datetime.timedelta(days=40),
        next_follow_up_on=today - datetime.timedelta(days=3),
    )
    visit_log(
        household=later,
        caseworker=disnaker_caseworker,
        purpose="monitoring",
        visited_on=today,
        next_follow_up_on=today + datetime.timedelta(days=30),
    )
    visit_log(
        household=revisited,
        caseworker=disnaker_caseworker,
        purpose="monitoring",
        visited_on=today - datetime.timedelta(days=20),
        next_follow_up_on=today - datetime.timedelta(days=1),
    )
    visit_log(household=revisited, caseworker=dinsos_caseworker, purpose="follow_up", visited_on=today)
    training = Program.objects.get(name="Pelatihan kerja")
    open_one = intervention_record(program=training, person=PersonFactory(), recorded_by=disnaker_caseworker)
    done = intervention_record(program=training, person=PersonFactory(), recorded_by=disnaker_caseworker)
    intervention_transition(intervention=done, status="delivered", delivered_on=today, actor=disnaker_caseworker)
    intervention_record(
        program=Program.objects.get(name="Permakanan"), person=PersonFactory(), recorded_by=dinsos_caseworker
    )

    response = client_as("disnaker_caseworker").get(URL)
    assert [v.household for v in response.context["follow_ups"]] == [overdue]
    assert list(response.context["open_interventions"]) == [open_one]
    assert {v.household for v in response.context["recent_visits"]} == {later, revisited}
    assert "terlambat" in response.text
