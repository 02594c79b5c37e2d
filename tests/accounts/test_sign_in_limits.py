"""Sign-in lockout per address and the password-reset mail throttle hold against a client that keeps
changing what it claims to be."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.rendered_forms import form_fields

pytestmark = pytest.mark.django_db

PASSWORD = "uji-kata-sandi-123"


def sign_in(client: Client, username: str, password: str, **meta):
    """Load the sign-in page and send what it carries, from the address and headers in `meta`."""
    page = client.get(reverse("accounts:login"), **meta)
    fields = form_fields(page.text, "username")
    fields.update(username=username, password=password)
    return client.post(reverse("accounts:login"), fields, **meta)


def test_a_client_reaching_gunicorn_directly_cannot_escape_the_address_lockout_by_forging_x_forwarded_for(settings):
    settings.HTTPS = True  # production; no TRUSTED_PROXIES configured
    direct = {"REMOTE_ADDR": "203.0.113.7"}
    answers = [
        sign_in(
            Client(), f"tebak{n}", "salah-salah-salah", **direct, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    UserFactory(username="korban", password=PASSWORD)
    forged = sign_in(Client(), "korban", PASSWORD, **direct, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert forged.status_code == 429
    assert sign_in(Client(), "korban", PASSWORD, REMOTE_ADDR="203.0.113.8").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked_out_not_the_proxy(settings):
    settings.HTTPS = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
    answers = [
        sign_in(
            Client(), f"tebak{n}", "salah-salah-salah", **via_nginx, HTTP_X_FORWARDED_FOR="198.51.100.20"
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    UserFactory(username="korban", password=PASSWORD)
    # A forged address in front of the one nginx appends changes nothing.
    forged = sign_in(Client(), "korban", PASSWORD, **via_nginx, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.20")
    assert forged.status_code == 429
    # Someone else behind the same proxy still signs in.
    other = sign_in(Client(), "korban", PASSWORD, **via_nginx, HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert other.status_code == 302
