"""A form sent after signing out, or signing in again, in another tab: a plain Indonesian page, nothing saved."""

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Visit
from tests.factories import TEST_PASSWORD, HouseholdFactory
from tests.pageforms import page_form, page_forms


def sign_in(client: Client, user) -> None:
    """Through the sign-in page, as in a browser tab (a new sign-in gives the browser a new security token)."""
    form = page_form(client.get(reverse("accounts:login")))
    form["username"], form["password"] = user.username, TEST_PASSWORD
    assert form.submit(client).status_code == 302


def sign_out(client: Client) -> None:
    """With the sign-out button every page carries."""
    page = client.get(reverse("home"))
    [logout] = [form for form in page_forms(page) if form.action == reverse("accounts:logout")]
    assert logout.submit(client).status_code == 302


pytestmark = pytest.mark.django_db


def test_a_form_whose_token_expired_explains_in_indonesian_and_saves_nothing(dinsos_caseworker):
    household = HouseholdFactory()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, dinsos_caseworker)
    form = page_form(client.get(reverse("households:visit_add", args=[household.pk])))
    form["purpose"], form["findings"] = "monitoring", "Atap bocor"
    # In another tab: signed out, then in again.
    sign_out(client)
    sign_in(client, dinsos_caseworker)
    response = form.submit(client)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir ini sudah kedaluwarsa" in page
    content = page[page.index("<main") : page.index("</main>")]  # what the page says (not its frame's forms)
    assert "Tidak ada data yang disimpan." in page
    assert "Tekan tombol Kembali" in page and "Muat ulang" in page
    for technical in ("CSRF", "csrf", "Reason given", "Terlarang", "cookie", "Referer", "token"):
        assert technical not in content
    assert not Visit.objects.exists()


def test_a_form_sent_with_its_own_token_still_saves(dinsos_caseworker):
    household = HouseholdFactory()
    client = Client(enforce_csrf_checks=True)
    sign_in(client, dinsos_caseworker)
    form = page_form(client.get(reverse("households:visit_add", args=[household.pk])))
    form["purpose"] = "monitoring"
    assert form.submit(client).status_code == 302
    assert Visit.objects.count() == 1
