"""The offline client and the pages call the API with the signed-in session: reads need nothing more, writes the
CSRF token, as a form does."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Visit
from tests.conftest import signed_in_now
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_session_write_needs_the_csrf_token(cast):
    household = PersonFactory().household
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["dinsos_caseworker"])
    signed_in_now(browser)
    assert browser.get(reverse("api:visit-list")).status_code == 200
    body = json.dumps({"household": household.pk, "visited_on": "2026-11-29", "purpose": "monitoring"})
    refused = browser.post(reverse("api:visit-list"), body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Visit.objects.exists()
    page = browser.get(reverse("cases:detail", args=[household.pk]))  # any page sets the CSRF cookie
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else browser.cookies["csrftoken"].value
    accepted = browser.post(reverse("api:visit-list"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content
    assert Visit.objects.get().caseworker == cast["dinsos_caseworker"]
