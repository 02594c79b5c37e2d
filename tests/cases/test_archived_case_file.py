"""An archived household's case file is read-only: it offers no case-work action, and those actions refuse."""

import pytest
from django.urls import reverse
from django.utils import timezone

from households.services import household_archive, household_change_status, visit_log
from interventions.models import Program
from interventions.services import intervention_record
from tests.factories import PersonFactory
from tests.pageforms import links
from tests.recorded import recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
@recorded
def archived(supervisor):
    """A family that moved away, with a visit and an open intervention recorded before it left."""
    person = PersonFactory()
    household = person.household
    visit = visit_log(household=household, caseworker=supervisor, purpose="monitoring", visited_on=timezone.localdate())
    intervention = intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=person, recorded_by=supervisor
    )
    household_change_status(household=household, status="moved", reason="Pindah ke Kapuas", actor=supervisor)
    household_archive(household=household, actor=supervisor, reason="Pindah kota")
    return household, person, visit, intervention


@pytest.mark.parametrize("role", ["supervisor", "dinsos_caseworker", "disnaker_caseworker"])
def test_an_archived_case_file_offers_no_case_work(client_as, archived, role):
    household, person, visit, intervention = archived
    response = client_as(role).get(reverse("cases:detail", args=[household.pk]))
    assert response.status_code == 200
    hrefs = links(response.content.decode())
    case_work = [
        reverse("interventions:create", args=[household.pk]),
        f"{reverse('interventions:create', args=[household.pk])}?person={person.pk}",
        reverse("interventions:status", args=[intervention.pk]),
        reverse("interventions:edit", args=[intervention.pk]),
        reverse("households:visit_edit", args=[visit.pk]),
        reverse("households:visit_add", args=[household.pk]),
        reverse("households:member_add", args=[household.pk]),
        reverse("households:member_edit", args=[person.pk]),
        reverse("households:member_move", args=[person.pk]),
        reverse("coordination:assess", args=[household.pk]),
    ]
    assert [href for href in hrefs if href in case_work] == []
    assert "Catat intervensi" not in response.text and "+ Intervensi" not in response.text


def test_the_case_work_an_archived_case_file_no_longer_offers_is_refused(client_as, archived):
    _household, _person, _visit, intervention = archived
    client = client_as("supervisor")
    for name in ("interventions:status", "interventions:edit"):
        response = client.get(reverse(name, args=[intervention.pk]))
        assert response.status_code == 403
        assert "diarsipkan" in response.text
