"""Recording interventions, one or many at once, and moving them from plan to delivery."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions.models import Intervention, Program
from interventions.services import intervention_record
from tests.factories import HouseholdFactory, PersonFactory, kelurahan
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def training() -> Program:
    return Program.objects.get(name="Pelatihan kerja")


def record(client, household, **data):
    """Fill in and send the page's own form, as a caseworker would."""
    form = page_form(client.get(reverse("interventions:create", args=[household.pk])))
    for name, value in data.items():
        form[name] = value
    return form.submit(client)


def test_caseworker_records_a_programme_of_their_own_opd_for_one_member(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = client.get(reverse("interventions:create", args=[person.household_id])).context["form"]
    assert {p.opd.short_name for p in form.fields["program"].queryset} == {"Disnaker"}
    response = record(client, person.household, program=training().pk, recipient=person.pk, amount="1250000")
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert (intervention.person, intervention.opd.short_name, intervention.status, intervention.amount) == (
        person,
        "Disnaker",
        "planned",
        1_250_000,
    )
    assert intervention.recorded_by.username == "cw_disnaker"


def test_a_programme_of_another_opd_cannot_be_chosen(client_as):
    person = PersonFactory()
    food = Program.objects.get(name="Permakanan")
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create", args=[person.household_id])))
    form.force("program", food.pk)  # not offered to Disnaker: only a tampered request can send it
    form["recipient"] = person.pk
    response = form.submit(client)
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.text
    assert not Intervention.objects.exists()


def test_a_person_programme_needs_a_member(client_as):
    person = PersonFactory()
    response = record(client_as("disnaker_caseworker"), person.household, program=training().pk, recipient="household")
    assert "pilih anggota penerima" in response.text
    assert not Intervention.objects.exists()


def test_the_same_programme_in_the_same_period_asks_for_confirmation(client_as, disnaker_caseworker):
    person = PersonFactory()
    intervention_record(program=training(), person=person, recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    response = record(client, person.household, program=training().pk, recipient=person.pk)
    assert response.status_code == 200
    assert "sudah pernah dicatat untuk penerima ini pada periode yang sama" in response.text
    assert response.context["form"].needs_confirmation
    assert Intervention.objects.count() == 1
    confirm = page_form(response)  # the page now shows the confirmation box, the rest as typed
    confirm["confirm_duplicate"] = True
    assert confirm.submit(client).status_code == 302
    assert Intervention.objects.count() == 2


def test_a_double_submitted_intervention_is_recorded_once(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create", args=[person.household_id])))
    form["program"], form["recipient"] = training().pk, person.pk
    assert form.submit(client).status_code == 302
    response = form.submit(client)
    assert response.status_code == 302
    assert Intervention.objects.count() == 1


def test_household_programme_goes_to_the_whole_household(client_as):
    person = PersonFactory()
    rtlh = Program.objects.get(name="Bedah rumah tidak layak huni (RTLH)")
    response = record(
        client_as("supervisor"), person.household, program=rtlh.pk, recipient="household", amount="20000000"
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.person is None and intervention.household == person.household


def status(client, intervention, **data):
    form = page_form(client.get(reverse("interventions:status", args=[intervention.pk])))
    for name, value in data.items():
        form[name] = value
    return form.submit(client)


def test_move_from_plan_to_progress_to_delivery_with_a_date(client_as, disnaker_caseworker):
    intervention = intervention_record(program=training(), person=PersonFactory(), recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    assert status(client, intervention, status="in_progress").status_code == 302
    response = status(client, intervention, status="delivered", delivered_on="")
    assert "Tanggal tersalurkan wajib diisi" in response.text
    today = timezone.localdate()
    assert status(client, intervention, status="delivered", delivered_on=today.isoformat()).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.delivered_on) == ("delivered", today)
    intervention.household.refresh_from_db()
    assert intervention.household.delivered_count == 1


def test_cancelling_needs_a_reason(client_as, disnaker_caseworker):
    intervention = intervention_record(program=training(), person=PersonFactory(), recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    assert "Alasan pembatalan wajib diisi" in status(client, intervention, status="cancelled").text
    assert status(client, intervention, status="cancelled", cancel_reason="Pindah ke luar kota").status_code == 302
    intervention.refresh_from_db()
    assert intervention.cancel_reason == "Pindah ke luar kota"


def test_delivery_date_in_the_future_or_before_the_plan_is_refused(client_as, disnaker_caseworker):
    intervention = intervention_record(program=training(), person=PersonFactory(), recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert (
        "tidak boleh di masa depan"
        in status(client, intervention, status="delivered", delivered_on=tomorrow.isoformat()).text
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert (
        "sebelum tanggal rencana"
        in status(client, intervention, status="delivered", delivered_on=yesterday.isoformat()).text
    )
    intervention.refresh_from_db()
    assert intervention.status == "planned"


def test_edit_the_plan(client_as, disnaker_caseworker):
    intervention = intervention_record(program=training(), person=PersonFactory(), recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:edit", args=[intervention.pk])))
    form["amount"], form["notes"] = "500000", "Angkatan II"
    assert form.submit(client).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.amount, intervention.notes) == (500_000, "Angkatan II")


BULK = reverse("interventions:bulk")


def test_bulk_list_filters_persons_and_records_one_programme_for_the_chosen(client_as):
    kameloh = [PersonFactory(household=HouseholdFactory(kelurahan=kelurahan("Kameloh Baru"))) for _ in range(3)]
    PersonFactory(household=HouseholdFactory(kelurahan=kelurahan("Menteng")))
    client = client_as("disnaker_caseworker")
    listed = client.get(BULK, {"kelurahan": kelurahan("Kameloh Baru").pk}).context["page_obj"]
    assert {p.pk for p in listed} == {p.pk for p in kameloh}
    chosen = kameloh[:2]
    url = f"{BULK}?kelurahan={kelurahan('Kameloh Baru').pk}"
    data = {
        "program": training().pk,
        "planned_on": timezone.localdate().isoformat(),
        "persons": [p.pk for p in chosen],
        "submission_token": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert set(Intervention.objects.values_list("person", flat=True)) == {p.pk for p in chosen}
    assert client.post(url, data).status_code == 302  # the same form again records nothing more
    assert Intervention.objects.count() == 2


def test_bulk_asks_for_confirmation_when_some_already_received_it(client_as, disnaker_caseworker):
    people = [PersonFactory() for _ in range(2)]
    intervention_record(program=training(), person=people[0], recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    data = {"program": training().pk, "planned_on": timezone.localdate().isoformat(), "persons": [p.pk for p in people]}
    response = client.post(BULK, {**data, "submission_token": str(uuid.uuid4())})
    assert "1 penerima sudah mendapat Pelatihan kerja" in response.text
    assert Intervention.objects.count() == 1
    client.post(BULK, {**data, "confirm_duplicate": "on", "submission_token": str(uuid.uuid4())})
    assert Intervention.objects.count() == 3


def test_bulk_without_anyone_chosen_says_so(client_as):
    response = client_as("disnaker_caseworker").post(
        BULK,
        {
            "program": training().pk,
            "planned_on": timezone.localdate().isoformat(),
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert "Pilih paling sedikit satu penerima" in response.text


def test_bulk_page_query_count_is_bounded(client_as, django_assert_max_num_queries):
    for _ in range(60):
        PersonFactory()
    client = client_as("disnaker_caseworker")
    with django_assert_max_num_queries(14):
        response = client.get(BULK)
    assert len(response.context["page_obj"]) == 50
