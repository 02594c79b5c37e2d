"""Sessions end after 30 minutes idle, but a page view does not write the session row each time: the expiry
moves forward at most once a minute (accounts.middleware.SessionRefreshMiddleware)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SessionRefreshMiddleware
from tests.factories import TEST_PASSWORD
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

HOME = reverse("home")
REGISTRY = reverse("cases:registry")


def sign_in(client, username: str) -> Session:
    form = page_form(client.get(reverse("accounts:login")))
    form["username"], form["password"] = username, TEST_PASSWORD
    assert form.submit(client).status_code == 302
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def session_writes(queries: CaptureQueriesContext) -> list[str]:
    table = Session._meta.db_table
    return [
        q["sql"] for q in queries if table in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def age(session: Session, minutes: float) -> None:
    """Make the stored session look as it would `minutes` after its last save, with no request since."""
    shift = datetime.timedelta(minutes=minutes)
    data = session.get_decoded()
    if SessionRefreshMiddleware.KEY in data:
        data[SessionRefreshMiddleware.KEY] -= int(shift.total_seconds())
    Session.objects.filter(pk=session.pk).update(
        session_data=Session.objects.encode(data), expire_date=session.expire_date - shift
    )


def test_pages_right_after_sign_in_do_not_write_the_session(client, disnaker_caseworker):
    sign_in(client, "cw_disnaker")
    for url in (HOME, REGISTRY, HOME):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert session_writes(queries) == [], url


def test_a_page_more_than_a_minute_after_the_last_save_moves_the_expiry(client, disnaker_caseworker):
    session = sign_in(client, "cw_disnaker")
    age(session, minutes=1.5)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert len(session_writes(queries)) == 1
    expires = Session.objects.get(pk=session.pk).expire_date
    assert abs(expires - (timezone.now() + datetime.timedelta(minutes=30))) < datetime.timedelta(seconds=5)
    with CaptureQueriesContext(connection) as queries:
        client.get(REGISTRY)
    assert session_writes(queries) == []  # refreshed a moment ago


def test_a_user_active_within_30_minutes_stays_signed_in(client, disnaker_caseworker):
    session = sign_in(client, "cw_disnaker")
    age(session, minutes=29)
    assert client.get(HOME).status_code == 200
    age(Session.objects.get(pk=session.pk), minutes=29)  # 58 minutes signed in, never 30 idle
    assert client.get(REGISTRY).status_code == 200


def test_a_session_idle_for_30_minutes_is_signed_out(client, disnaker_caseworker):
    session = sign_in(client, "cw_disnaker")
    age(session, minutes=30)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()  # none revived or created


def test_signing_out_leaves_no_session_behind(client, disnaker_caseworker):
    sign_in(client, "cw_disnaker")
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
