"""Assessment dates, re-assessing with nothing new, and the graduation proposal's measurement date, as a new user
met them on the pages."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coordination.models import Assessment, Referral
from coordination.services import assessment_record, referral_decline
from households.models import Household
from households.services import household_update
from tests.factories import HouseholdFactory, PersonFactory, opd
from tests.pageforms import page_form
from tests.recorded import recorded

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
@recorded
def family():
    household = HouseholdFactory()
    return household, PersonFactory(household=household)


def assess(client, household, assessed_on: str, **ticked):
    form = page_form(client.get(reverse("coordination:assess", args=[household.pk])))
    form["assessed_on"] = assessed_on
    for name, value in ticked.items():
        form[name] = value
    return form.submit(client, follow=True)


@pytest.mark.parametrize(
    ("assessed_on", "words"),
    [
        ("2030-06-01", "tidak boleh di masa depan"),
        ((TODAY + datetime.timedelta(days=1)).isoformat(), "tidak boleh di masa depan"),
        ("2001-06-01", "Tanggal 01/06/2001 terlalu lama; isi tanggal sejak 01/01/2015"),
    ],
)
def test_an_assessment_date_in_the_future_or_long_ago_is_refused_and_sends_no_referral(
    client_as, family, assessed_on, words
):
    household, _head = family
    response = assess(client_as("dinsos_caseworker"), household, assessed_on, need_no_clean_water=True)
    assert response.status_code == 200
    assert [error for error in response.context["form"].errors["assessed_on"] if words in error]
    assert not Referral.objects.exists() and not Assessment.objects.exists()


def test_the_assessment_service_refuses_a_future_date_for_every_caller(family, dinsos_caseworker):
    household, _head = family
    with pytest.raises(ValidationError, match="masa depan"):
        assessment_record(
            household=household,
            actor=dinsos_caseworker,
            needs=[("no_clean_water", None, "")],
            assessed_on=datetime.date(2030, 6, 1),
        )
    assert not Referral.objects.exists()


def test_re_assessing_needs_that_already_have_open_referrals_says_nothing_new_was_sent(client_as, family):
    household, head = family
    client = client_as("dinsos_caseworker")
    first = assess(client, household, TODAY.isoformat(), need_no_clean_water=True)
    assert "1 rujukan dikirim ke Disperkimtan" in first.text
    again = assess(client, household, TODAY.isoformat(), need_no_clean_water=True)
    page = html.unescape(again.text)
    assert "0 rujukan" not in page and "ke —" not in page
    assert "tidak ada rujukan baru yang dikirim" in page
    assert "sudah punya rujukan terbuka (Tidak ada air bersih)" in page
    assert Referral.objects.count() == 1


def test_the_supervisor_sees_when_the_expenditure_of_a_proposal_was_measured(client_as, family, supervisor):
    household, _head = family
    caseworker = client_as("dinsos_caseworker")
    form = page_form(caseworker.get(reverse("households:edit", args=[household.pk])))
    form["expenditure_per_capita"], form["expenditure_measured_on"] = "450000", "2025-02-03"
    assert form.submit(caseworker).status_code == 302
    page = caseworker.get(reverse("coordination:propose", args=[household.pk]))
    assert "Rp 450.000 (diukur 03/02/2025)" in page.text
    form = page_form(page)
    form["basis"] = "expenditure"
    assert form.submit(caseworker).status_code == 302
    # Measured again later: the proposal keeps the date its expenditure was measured on.
    stored = Household.objects.get(pk=household.pk)
    household_update(household=stored, actor=supervisor, expected_version=stored.version, expenditure_measured_on=TODAY)
    page = client_as("supervisor").get(reverse("coordination:graduations")).text
    assert "Rp 450.000 / Rp 391.000 (diukur 03/02/2025)" in page


def test_a_declined_referral_reassigned_with_a_deadline_years_ahead_is_refused_on_the_field(
    client_as, family, dinsos_caseworker, disnaker_caseworker
):
    household, _head = family
    _assessment, [referral], _skipped = assessment_record(
        household=household, actor=dinsos_caseworker, needs=[("uninhabitable_house", None, "")]
    )
    referral_decline(referral=referral, actor=disnaker_caseworker, reason="Tanah bukan milik sendiri")
    client = client_as("supervisor")
    form = page_form(client.get(reverse("coordination:referral", args=[referral.pk])), containing="due_on")
    form["opd"], form["due_on"] = opd("PUPR").pk, "9999-12-31"
    response = form.submit(client)
    assert response.status_code == 200
    assert "terlalu jauh ke depan" in " ".join(response.context["reassign_form"].errors["due_on"])
    assert "Pilih OPD tujuan baru" not in response.text
    referral.refresh_from_db()
    assert (referral.status, referral.opd.short_name) == ("declined", "Disperkimtan")
