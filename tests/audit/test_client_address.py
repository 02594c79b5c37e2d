"""Which address the access log records: X-Forwarded-For counts only when a trusted proxy sent it."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "recorded"),
    [
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy configured: the header is anyone's
        (["127.0.0.1"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # straight to gunicorn, past nginx
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),  # through nginx
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own claim comes first
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.1, 10.2.3.4", "198.51.100.1"),  # two proxies
        (["127.0.0.1"], "127.0.0.1", "bukan-alamat", "127.0.0.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_the_access_log_trusts_x_forwarded_for_only_from_a_trusted_proxy(
    client_as, settings, trusted, remote, forwarded, recorded
):
    settings.HTTPS = True
    settings.TRUSTED_PROXIES = trusted
    person = PersonFactory()
    response = client_as("dinsos_caseworker").post(
        reverse("households:reveal_nik", args=[person.pk]), REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert AccessLog.objects.get().ip_address == recorded
