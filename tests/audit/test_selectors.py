"""The audit trail's reads: the change and access lists (and their CSV files) in a pinned number of queries,
the same with 3 entries as with 20; the selectors filter, order and fetch who acted in one query a page."""

import pytest
from django.urls import reverse

from audit import selectors
from audit.filters import AccessLogFilter, ChangeLogFilter
from households.models import Person
from households.services import person_update
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_entries(client_as, supervisor):
    """add_entries(n): the supervisor edits n members (n change entries) and reveals their NIK (n access entries)."""
    client = client_as("supervisor")

    def add(count: int) -> None:
        for _ in range(count):
            person = PersonFactory()
            version = Person.objects.get(pk=person.pk).version
            person_update(person=person, actor=supervisor, expected_version=version, occupation="Nelayan")
            assert client.post(reverse("households:reveal_nik", args=[person.pk])).status_code == 200

    return add


@pytest.mark.parametrize(
    ("name", "params", "expected_queries"),
    [
        ("audit:changes", {"source": "web"}, 10),  # the filter's choices of users and kinds of data included
        ("audit:access", {"kind": "reveal"}, 9),
        ("audit:changes", {"source": "web", "format": "csv"}, 8),  # the access log's row for the file included
        ("audit:access", {"kind": "reveal", "format": "csv"}, 8),
    ],
)
def test_audit_lists_read_in_a_fixed_number_of_queries(
    client_as, supervisor, add_entries, django_assert_num_queries, name, params, expected_queries
):
    client = client_as("supervisor")
    for total, more in ((3, 3), (20, 17)):
        add_entries(more)
        with django_assert_num_queries(expected_queries):
            response = client.get(reverse(name), {"actor": supervisor.pk, **params})
            if "format" in params:
                lines = b"".join(response.streaming_content).decode().splitlines()
        if "format" in params:
            assert len(lines) == 1 + total  # the header, then every entry
        else:
            assert len(response.context["page_obj"]) == total


def test_changes_are_filtered_newest_first_with_their_actor_in_one_query(
    supervisor, add_entries, django_assert_num_queries
):
    add_entries(3)
    filters = ChangeLogFilter({"actor": supervisor.pk, "source": "web"})
    assert filters.is_valid()
    with django_assert_num_queries(1):
        entries = list(selectors.changes(filters=filters))
        names = {(entry.actor.username, entry.content_type.model) for entry in entries}
    assert len(entries) == 3 and names == {(supervisor.username, "person")}
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)


def test_accesses_are_filtered_with_their_actor_in_one_query(supervisor, add_entries, django_assert_num_queries):
    add_entries(2)
    filters = AccessLogFilter({"actor": supervisor.pk, "kind": "reveal"})
    assert filters.is_valid()
    with django_assert_num_queries(1):
        entries = list(selectors.accesses(filters=filters))
        actors = {entry.actor.username for entry in entries}
    assert len(entries) == 2 and actors == {supervisor.username}
    assert {entry.field for entry in entries} == {"nik"}


def test_an_invalid_audit_filter_lists_nothing(add_entries):
    add_entries(1)
    assert list(selectors.changes(filters=ChangeLogFilter({"case_id": "abc"}))) == []
    assert list(selectors.accesses(filters=AccessLogFilter({"date_from": "1900-01-01"}))) == []
