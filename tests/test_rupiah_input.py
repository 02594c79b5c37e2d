"""Rupiah amounts are read as people write them: "150.000" is 150000 (Django's IntegerField read it as 150,
a thousand times too little, silently), and what cannot be a whole Rupiah amount is refused with how to
write it — in every form that takes an amount, and in Django admin."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from core.forms import RupiahField
from households.models import Household
from interventions.models import Intervention, Program
from tests.factories import PersonFactory
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150000", 150000),
        ("150.000", 150000),
        ("Rp 150.000", 150000),
        ("rp.2.500.000", 2500000),
        ("150 000", 150000),
        ("0", 0),
        ("", None),
    ],
)
def test_an_amount_is_read_as_written(typed, amount):
    assert RupiahField(required=False).clean(typed) == amount


@pytest.mark.parametrize("typed", ["150.000,50", "1.5", "150.00", "1e5", "abc", "١٢", "²", "15.0000", "-5", "1,000"])
def test_what_is_not_a_whole_rupiah_amount_is_refused_with_how_to_write_it(typed):
    with pytest.raises(forms.ValidationError) as refused:
        RupiahField(required=False, min_value=0).clean(typed)
    assert "150.000" in refused.value.messages[0]


def test_a_delivery_of_150_000_is_stored_as_150000(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create_delivered", args=[person.household_id])))
    form["program"] = Program.objects.get(name="Pelatihan kerja").pk
    form["recipient"] = str(person.pk)
    form["amount"] = "150.000"
    assert form.submit(client).status_code == 302
    assert Intervention.objects.get().amount == 150000


def test_a_refused_amount_changes_nothing_and_keeps_what_was_typed(client_as):
    person = PersonFactory()
    client = client_as("disnaker_caseworker")
    form = page_form(client.get(reverse("interventions:create_delivered", args=[person.household_id])))
    form["program"] = Program.objects.get(name="Pelatihan kerja").pk
    form["recipient"] = str(person.pk)
    form["amount"] = "150.000,50"
    form["notes"] = "Pelatihan las"
    response = form.submit(client)
    assert response.status_code == 200 and not Intervention.objects.exists()
    assert "rupiah utuh" in response.content.decode() and 'value="150.000,50"' in response.content.decode()


def test_the_household_expenditure_per_person_reads_thousands(client_as):
    household = PersonFactory().household
    client = client_as("supervisor")
    form = page_form(client.get(reverse("households:edit", args=[household.pk])))
    form["expenditure_per_capita"] = "350.000"
    form["expenditure_measured_on"] = timezone.localdate().isoformat()
    assert form.submit(client).status_code == 302
    assert Household.objects.get(pk=household.pk).expenditure_per_capita == 350000


def test_django_admin_reads_thousands_too(admin_client):
    person = PersonFactory()
    page = admin_client.get(reverse("admin:households_household_change", args=[person.household_id]))
    assert isinstance(page.context["adminform"].form.fields["expenditure_per_capita"], RupiahField)
