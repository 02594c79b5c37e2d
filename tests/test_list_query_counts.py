"""List pages read a page of rows in a fixed number of queries, however many rows there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.services import token_issue
from coordination.services import assessment_record
from households.services import person_update
from imports.models import ImportBatch
from jobs.models import Job
from tests.factories import PersonFactory, UserFactory, opd
from tests.recorded import once

pytestmark = pytest.mark.django_db


def add_rows(cast, count: int) -> None:
    for _ in range(count):
        person = PersonFactory()
        assessment_record(household=person.household, actor=cast["dinsos_caseworker"], needs=[("no_work", person, "")])
        person_update(person=person, actor=cast["supervisor"], expected_version=person.version, occupation="Nelayan")
        UserFactory()
        ImportBatch.objects.create(file_name="p3ke.xlsx", uploaded_by=cast["supervisor"], summary={"rows": 1})
        Job.objects.create(owner=cast["supervisor"], kind="export_registry", title="Registri (CSV)")
        token_issue(actor=cast["admin"], name="Sistem OPD", opd=opd("Disnaker"), scope="read")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("supervisor", "coordination:inbox"),
        ("disnaker_caseworker", "coordination:inbox"),
        ("supervisor", "coordination:consolidation"),
        ("supervisor", "audit:changes"),
        ("supervisor", "audit:access"),
        ("supervisor", "imports:list"),
        ("admin", "accounts:user_list"),
        ("admin", "accounts:opd_list"),
        ("admin", "interventions:program_list"),
        ("supervisor", "coordination:graduations"),
        ("supervisor", "jobs:list"),
        ("admin", "api:token_list"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client_as, cast, role, name):
    client = client_as(role)
    url = reverse(name) + ("?semua=1" if name == "jobs:list" else "")  # everyone's jobs, with their owners
    once("list rows: 3", lambda: add_rows(cast, 3))
    few = queries(client, url)
    once("list rows: 20 more", lambda: add_rows(cast, 20))
    assert queries(client, url) == few
    assert few <= 20
