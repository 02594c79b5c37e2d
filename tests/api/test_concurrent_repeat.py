"""A repeat sent while the first request is still being written (a phone that gave up waiting and resent) is
answered with the first one's result once it is committed: one record, two identical answers."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from api import views
from households.models import Visit
from tests.api.conftest import Api
from tests.factories import PersonFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Two writers at once need a database that holds them: the suite's SQLite database lives in memory, where a
    # second writer fails at once ("table is locked") instead of waiting as the file database of `make run` does
    # (tests/test_sqlite_concurrency.py). CI runs the suite on PostgreSQL too.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a database that holds two writers at once"),
]


def test_two_sends_of_one_key_at_once_record_once(issue_token, monkeypatch):
    household = PersonFactory().household
    _token, secret = issue_token("Dinsos")
    original = views.visit_log

    def slow_visit_log(**kwargs):
        time.sleep(0.5)  # the first request holds its claim while the second arrives
        return original(**kwargs)

    monkeypatch.setattr(views, "visit_log", slow_visit_log)
    body = {"household": household.pk, "visited_on": "2026-11-29", "purpose": "monitoring", "findings": "sekali"}
    answers = []

    def send(delay):
        time.sleep(delay)
        try:
            api = Api(Client(), Authorization=f"Bearer {secret}")
            answers.append(api.post(reverse("api:visit-list"), body, **{"Idempotency-Key": "sama"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(delay,)) for delay in (0, 0.2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [201, 201], [a.content for a in answers]
    assert answers[0].json() == answers[1].json()
    assert Visit.objects.filter(findings="sekali").count() == 1
