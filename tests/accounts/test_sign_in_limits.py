"""Sign-in lockout per address and the password-reset mail throttle hold against a client that keeps
changing what it claims to be."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest
from tests.factories import UserFactory
from tests.pageforms import form_fields

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


def request_reset(email: str, **meta):
    """Load the forgotten-password page and send what it carries with `email` filled in."""
    client = Client()
    page = client.get(reverse("accounts:password_reset"), **meta)
    fields = form_fields(page.text, "email")
    fields["email"] = email
    return client.post(reverse("accounts:password_reset"), fields, **meta)


def sent_page(response) -> bool:
    return response.status_code == 302 and response.url == reverse("accounts:password_reset_done")


def test_ten_reset_requests_in_a_row_mail_the_account_at_most_three_times(settings, django_assert_num_queries):
    account = UserFactory(email="pendamping@contoh.go.id")
    answers = [request_reset(account.email, REMOTE_ADDR="203.0.113.7") for _ in range(9)]
    with django_assert_num_queries(11):  # the page and the post, however many requests came before
        answers.append(request_reset(account.email, REMOTE_ADDR="203.0.113.7"))
    assert all(sent_page(answer) for answer in answers)  # refused or not, the same "sent" page
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT == 3
    assert {tuple(message.to) for message in mail.outbox} == {(account.email,)}


def test_the_account_limit_holds_whatever_address_asks_and_spares_other_accounts(settings):
    account = UserFactory(email="sasaran@contoh.go.id")
    for n in range(10):
        assert sent_page(request_reset(account.email, REMOTE_ADDR=f"198.51.100.{n}"))
    assert len(mail.outbox) == 3
    other = UserFactory(email="rekan@contoh.go.id")
    assert sent_page(request_reset(other.email, REMOTE_ADDR="198.51.100.9"))
    assert len(mail.outbox) == 4 and mail.outbox[-1].to == [other.email]


def test_one_address_gets_at_most_ten_reset_requests_an_hour_across_accounts(settings):
    accounts = [UserFactory(email=f"pegawai{n}@contoh.go.id") for n in range(12)]
    answers = [request_reset(account.email, REMOTE_ADDR="203.0.113.7") for account in accounts]
    assert all(sent_page(answer) for answer in answers)
    assert [message.to for message in mail.outbox] == [[account.email] for account in accounts[:10]]
    # Another address is not held back; an unknown email is answered alike and mails nobody.
    assert sent_page(request_reset(accounts[11].email, REMOTE_ADDR="203.0.113.8"))
    assert sent_page(request_reset("tidak-ada@contoh.go.id", REMOTE_ADDR="203.0.113.8"))
    assert [message.to for message in mail.outbox][10:] == [[accounts[11].email]]
    # An hour later the address may ask again.
    PasswordResetRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=61))
    assert sent_page(request_reset(accounts[10].email, REMOTE_ADDR="203.0.113.7"))
    assert mail.outbox[-1].to == [accounts[10].email]
