"""Impossible intervention dates and amounts, and two people changing a status at once, as a new user met them."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import latest_planned
from interventions.models import Intervention, Program
from interventions.services import intervention_record
from tests.factories import PersonFactory
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def training() -> Program:
    return Program.objects.get(name="Pelatihan kerja")


def errors(response, name: str) -> str:
    return " ".join(str(error) for error in response.context["form"].errors.get(name, []))


@pytest.mark.parametrize(
    ("planned_on", "words"),
    [
        ("1900-01-01", "Tanggal 01/01/1900 terlalu lama; isi tanggal sejak 01/01/2015"),
        ("9999-12-31", "terlalu jauh ke depan"),
        ((latest_planned() + datetime.timedelta(days=1)).isoformat(), "terlalu jauh ke depan"),
    ],
)
def test_a_planned_date_outside_the_programme_years_is_refused_on_its_field(client_as, planned_on, words):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create", args=[person.household_id])))
    form["program"], form["recipient"], form["planned_on"], form["notes"] = (
        training().pk,
        person.pk,
        planned_on,
        "Tahap I",
    )
    response = form.submit(client)
    assert response.status_code == 200
    assert words in errors(response, "planned_on")
    assert "Tahap I" in response.text
    assert not Intervention.objects.exists()


def test_a_plan_two_years_ahead_is_accepted(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create", args=[person.household_id])))
    form["program"], form["recipient"], form["planned_on"] = training().pk, person.pk, latest_planned().isoformat()
    assert form.submit(client).status_code == 302
    assert Intervention.objects.get().planned_on == latest_planned()


def test_a_bulk_plan_dated_1900_is_refused(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:bulk")), containing="program")
    form["program"], form["planned_on"], form["persons"] = training().pk, "1900-01-01", [person.pk]
    response = form.submit(client)
    assert "terlalu lama" in errors(response, "planned_on")
    assert not Intervention.objects.exists()


def test_editing_a_plan_to_an_impossible_date_or_a_negative_quantity_is_refused_on_the_fields(
    client_as, disnaker_caseworker
):
    intervention = intervention_record(program=training(), person=PersonFactory(), recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:edit", args=[intervention.pk])))
    form["planned_on"], form["quantity"] = "9999-12-31", "-5"
    response = form.submit(client)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "dilanggar" not in page
    assert "terlalu jauh ke depan" in errors(response, "planned_on")
    assert errors(response, "quantity") == "Jumlah tidak boleh kurang dari 0."
    intervention.refresh_from_db()
    assert (intervention.planned_on, intervention.quantity) == (TODAY, None)


def test_a_delivery_dated_before_2015_is_refused_on_its_field(client_as, disnaker_caseworker):
    intervention = intervention_record(
        program=training(),
        person=PersonFactory(),
        recorded_by=disnaker_caseworker,
        planned_on=datetime.date(2015, 1, 1),
    )
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:status", args=[intervention.pk])))
    form["status"], form["delivered_on"] = "delivered", "1990-01-01"
    response = form.submit(client)
    assert "Tanggal 01/01/1990 terlalu lama" in errors(response, "delivered_on")
    intervention.refresh_from_db()
    assert intervention.status == "planned"


def test_the_second_of_two_status_changes_says_it_was_not_saved_and_who_changed_it(client_as, cast):
    intervention = intervention_record(
        program=training(), person=PersonFactory(), recorded_by=cast["disnaker_caseworker"]
    )
    url = reverse("interventions:status", args=[intervention.pk])
    first = client_as("disnaker_caseworker")
    second = Client()
    second.force_login(cast["supervisor"])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    mine["status"], mine["delivered_on"] = "delivered", TODAY.isoformat()
    assert mine.submit(first).status_code == 302
    theirs["status"], theirs["cancel_reason"] = "cancelled", "Penerima pindah ke Kapuas"
    response = theirs.submit(second, follow=True)
    page = html.unescape(response.text)
    assert "Perubahan status Anda tidak disimpan" in page
    assert f"{cast['disnaker_caseworker']} sudah mengubah intervensi ini menjadi tersalurkan" in page
    assert "Penerima pindah ke Kapuas" in page  # what they typed is shown back, not silently dropped
    assert 'class="alert alert-danger"' in response.text
    intervention.refresh_from_db()
    assert (intervention.status, intervention.cancel_reason) == ("delivered", "")
