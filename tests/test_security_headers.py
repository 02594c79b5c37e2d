"""Response headers and error pages that protect the data."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_sends_csp_frame_and_referrer_headers(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_use_no_inline_scripts_or_styles(client_as):
    from tests.factories import PersonFactory

    person = PersonFactory()
    client = client_as("supervisor")
    for url in [reverse("home"), reverse("cases:registry"), reverse("cases:detail", args=[person.household_id])]:
        html = client.get(url).text
        assert "<script>" not in html and "<script type" not in html
        assert " style=" not in html and "<style" not in html
        assert " onclick=" not in html


def test_production_mode_sends_hsts_secure_cookies_and_redirects_to_https(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 301
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["csrftoken"]["secure"]


def test_server_error_page_leaks_nothing(client_as, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client = client_as("supervisor")
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text
    assert "Traceback" not in response.text and "RuntimeError" not in response.text and "rahasia" not in response.text
