"""One definition of the dates records may carry (core.dates), applied on every path: the pages' forms, Django
admin, imports, and the list filters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.dates import EARLIEST, latest_planned, validate_birth_date, validate_happened, validate_planned
from households.models import Household
from imports.planner import build_plan
from tests.factories import HouseholdFactory, UserFactory
from tests.imports.helpers import row, xlsx
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("validator", "accepted", "refused"),
    [
        (validate_happened, [EARLIEST, TODAY], [EARLIEST - DAY, TODAY + DAY, datetime.date(9999, 12, 31)]),
        (validate_planned, [EARLIEST, TODAY + DAY, latest_planned()], [EARLIEST - DAY, latest_planned() + DAY]),
        (validate_birth_date, [datetime.date(1900, 1, 1), TODAY], [datetime.date(1899, 12, 31), TODAY + DAY]),
    ],
    ids=["happened", "planned", "birth"],
)
def test_the_bounds_are_inclusive_and_refuse_one_day_beyond(validator, accepted, refused):
    for day in accepted:
        validator(day)
    for day in refused:
        with pytest.raises(ValidationError):
            validator(day)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, role="admin"))
    return client


def test_django_admin_refuses_an_expenditure_measured_in_year_9999(superuser_client):
    household = HouseholdFactory()
    form = page_form(superuser_client.get(reverse("admin:households_household_change", args=[household.pk])))
    form["expenditure_per_capita"], form["expenditure_measured_on"] = "450000", "9999-12-31"
    response = form.submit(superuser_client, button="_save")
    assert response.status_code == 200
    assert "tidak boleh di masa depan" in str(response.context["adminform"].form.errors["expenditure_measured_on"])
    assert Household.objects.get(pk=household.pk).expenditure_measured_on is None


def test_django_admin_says_which_field_an_account_without_opd_needs(superuser_client):
    user = UserFactory()
    form = page_form(superuser_client.get(reverse("admin:accounts_user_change", args=[user.pk])))
    form["opd"] = ""
    response = form.submit(superuser_client, button="_save")
    assert response.status_code == 200
    assert "accounts_user_opd_required" not in response.content.decode()
    assert "Pilih OPD akun ini" in str(response.context["adminform"].form.errors["opd"])


@pytest.mark.parametrize("born", ["31/12/1899", 1, "01/01/1850"])
def test_an_import_refuses_the_birth_dates_the_member_form_refuses(born):
    plan = build_plan("data.xlsx", xlsx([row(nik="", tanggal_lahir=born)]))
    assert [(error.column, error.message) for error in plan.errors] == [
        ("tanggal_lahir", "Tanggal lahir sebelum tahun 1900 tidak mungkin; periksa tahunnya.")
    ]


def test_a_list_filter_reaches_every_planned_date_a_record_may_carry(client_as):
    client = client_as("supervisor")
    response = client.get(reverse("interventions:list"), {"planned_to": latest_planned().isoformat()})
    assert response.context["filter"].is_valid()
    response = client.get(reverse("interventions:list"), {"planned_to": (latest_planned() + DAY).isoformat()})
    assert not response.context["filter"].is_valid()
