""" "Catat sudah tersalurkan": something already handed over is recorded in one form, delivered on its day."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLog
from dashboard import derived
from interventions.models import Intervention, Program
from interventions.services import intervention_record_delivered
from tests import oracle
from tests.factories import PersonFactory
from tests.pageforms import links, page_form, page_forms

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def training() -> Program:
    return Program.objects.get(name="Pelatihan kerja")


def delivered_form(client, household, person=None):
    url = reverse("interventions:create_delivered", args=[household.pk])
    return page_form(client.get(url + (f"?person={person.pk}" if person else "")))


def test_the_case_file_and_the_create_page_lead_to_the_one_step_form(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    one_step = reverse("interventions:create_delivered", args=[person.household_id])
    case_links = links(client.get(reverse("cases:detail", args=[person.household_id])).text)
    assert one_step in case_links  # the household's actions
    assert f"{one_step}?person={person.pk}" in case_links  # the member's card
    create = client.get(reverse("interventions:create", args=[person.household_id]) + f"?person={person.pk}")
    assert f"{one_step}?person={person.pk}" in links(create.text)


def test_a_caseworker_records_a_delivery_in_one_form(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = delivered_form(client, person.household, person)
    assert form["delivered_on"] == TODAY.isoformat()  # today, in a date picker (shown as dd/mm/yyyy)
    assert form["recipient"] == str(person.pk)  # the member whose card was used
    day = TODAY - datetime.timedelta(days=3)
    form["program"] = training().pk
    form["delivered_on"] = day.strftime("%d/%m/%Y")
    form["amount"] = "750000"
    form["notes"] = "Pelatihan las angkatan 2"
    response = form.submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    intervention = Intervention.objects.get()
    assert (intervention.status, intervention.delivered_on, intervention.planned_on, intervention.amount) == (
        "delivered",
        day,
        day,
        750_000,
    )
    assert (intervention.person, intervention.opd.short_name, intervention.notes) == (
        person,
        "Disnaker",
        "Pelatihan las angkatan 2",
    )
    # The change log has the recording and the delivery, by this caseworker, and the case file shows them.
    logged = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Intervention), object_id=intervention.pk
    ).order_by("id")
    assert [entry.action for entry in logged] == [ChangeLog.Action.CREATE, ChangeLog.Action.UPDATE]
    assert {entry.actor.username for entry in logged} == {"cw_disnaker"}
    assert logged[1].changes["status"] == ["Direncanakan", "Tersalurkan"]
    case = client.get(reverse("cases:detail", args=[person.household_id]))
    assert "Tersalurkan" in case.text
    # The derived numbers follow: the person counts as served, as an independent recount says.
    person.refresh_from_db()
    assert person.is_served
    person.household.refresh_from_db()
    assert person.household.delivered_count == 1
    assert oracle.differences() == []
    assert derived.check().ok
    call_command("recount_dashboard", "--check")


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "tidak boleh di masa depan"),
        (datetime.date(2010, 5, 1), "terlalu lama"),
    ],
)
def test_a_delivery_day_outside_the_allowed_period_is_refused_and_what_was_typed_stays(client_as, day, message):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = delivered_form(client, person.household, person)
    form["program"] = training().pk
    form["delivered_on"] = day.strftime("%d/%m/%Y")
    form["amount"] = "750000"
    form["notes"] = "Catatan yang diketik"
    response = form.submit(client)
    assert response.status_code == 200
    assert message in response.text
    assert not Intervention.objects.exists()
    again = page_form(response)
    assert (again["program"], again["delivered_on"], again["amount"], again["notes"]) == (
        str(training().pk),
        day.strftime("%d/%m/%Y"),
        "750000",
        "Catatan yang diketik",
    )


def test_another_opds_programme_sent_by_an_edited_form_changes_nothing(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = delivered_form(client, person.household, person)
    assert str(Program.objects.get(name="Permakanan").pk) not in [v for v, _ in form._find("program")[0].options]
    form.force("program", Program.objects.get(name="Permakanan").pk)
    form["notes"] = "Diketik"
    changes_before = ChangeLog.objects.count()
    response = form.submit(client)
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.text
    assert "Diketik" in response.text
    assert not Intervention.objects.exists()
    assert ChangeLog.objects.count() == changes_before


def test_the_same_programme_in_the_same_period_asks_for_confirmation_first(client_as, disnaker_caseworker):
    person = PersonFactory()
    intervention_record_delivered(
        program=training(), person=person, delivered_on=TODAY, recorded_by=disnaker_caseworker
    )
    client = client_as("disnaker_caseworker")
    form = delivered_form(client, person.household, person)
    form["program"] = training().pk
    response = form.submit(client)
    assert response.status_code == 200
    assert "sudah pernah dicatat untuk penerima ini pada periode yang sama" in response.text
    assert Intervention.objects.count() == 1
    confirm = page_form(response)
    confirm["confirm_duplicate"] = True
    assert confirm.submit(client).status_code == 302
    assert Intervention.objects.filter(status="delivered").count() == 2


def test_a_household_programme_is_delivered_to_the_whole_household(client_as, dinsos_caseworker):
    person = PersonFactory()
    client = client_as("dinsos_caseworker")
    form = delivered_form(client, person.household)
    form["program"] = Program.objects.get(name="BPNT/Sembako").pk
    form["recipient"] = "household"
    form["quantity"] = "1"
    assert form.submit(client).status_code == 302
    intervention = Intervention.objects.get()
    assert (intervention.person, intervention.household, intervention.status) == (None, person.household, "delivered")
    assert oracle.differences() == []


def test_the_plan_path_stays_for_planned_work(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create", args=[person.household_id])))
    form["program"] = training().pk
    form["recipient"] = person.pk
    assert form.submit(client).status_code == 302
    assert Intervention.objects.get().status == "planned"


def the_bulk_form(page):
    return next(form for form in page_forms(page) if "persons" in form.names())


def test_the_bulk_page_records_already_delivered_programmes_too(client_as):
    people = [PersonFactory() for _ in range(2)]
    client = client_as("disnaker_caseworker")
    form = the_bulk_form(client.get(reverse("interventions:bulk")))
    day = TODAY - datetime.timedelta(days=1)
    form["persons"] = [p.pk for p in people]
    form["program"] = training().pk
    form["planned_on"] = day.isoformat()
    form["amount"] = "100000"
    form["already_delivered"] = True
    assert form.submit(client).status_code == 302
    delivered = Intervention.objects.order_by("person_id")
    assert [(i.person, i.status, i.delivered_on, i.amount) for i in delivered] == [
        (p, "delivered", day, 100_000) for p in sorted(people, key=lambda p: p.pk)
    ]
    assert oracle.differences() == []
    assert derived.check().ok


def test_the_bulk_page_refuses_a_delivery_in_the_future_and_records_nothing(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = the_bulk_form(client.get(reverse("interventions:bulk")))
    form["persons"] = [person.pk]
    form["program"] = training().pk
    form["planned_on"] = (TODAY + datetime.timedelta(days=7)).isoformat()  # fine for a plan, not for a delivery
    form["already_delivered"] = True
    response = form.submit(client)
    assert response.status_code == 200
    assert "tidak boleh di masa depan" in response.text
    assert not Intervention.objects.exists()
    again = the_bulk_form(response)
    assert again["already_delivered"] == "on" and again["persons"] == str(person.pk)


def test_the_duplicate_warning_links_to_the_open_record_it_would_repeat(client_as, disnaker_caseworker):
    from interventions.services import intervention_record

    person = PersonFactory()
    planned = intervention_record(program=training(), person=person, recorded_by=disnaker_caseworker)
    client = client_as("disnaker_caseworker")
    form = delivered_form(client, person.household, person)
    form["program"] = training().pk
    response = form.submit(client)
    assert response.status_code == 200 and Intervention.objects.count() == 1
    assert reverse("interventions:status", args=[planned.pk]) in response.content.decode()
