"""The intervention pages read a page of rows in a fixed number of queries, however many rows there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions import selectors
from tests.factories import InterventionFactory, PersonFactory, kelurahan, opd

pytestmark = pytest.mark.django_db


def add(count: int) -> None:
    for n in range(count):
        person = PersonFactory()
        InterventionFactory(person=person, program__opd=opd("Disnaker"), planned_on=datetime.date(2024, 1, 1 + n))


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "role"),
    [
        (reverse("interventions:list"), "supervisor"),
        (reverse("interventions:list") + "?status=planned&kelurahan=", "disnaker_caseworker"),
        (reverse("interventions:bulk"), "disnaker_caseworker"),
    ],
)
def test_an_intervention_page_reads_in_a_fixed_number_of_queries(client_as, url, role):
    client = client_as(role)
    add(2)
    few = page_queries(client, url)
    add(12)
    assert page_queries(client, url) == few


def test_the_list_selector_reads_one_page_in_two_queries():
    add(3)
    with CaptureQueriesContext(connection) as captured:
        filterset = selectors.intervention_filter({})
        rows = list(filterset.qs[:50])
        filterset.qs.count()
    assert len(rows) == 3
    assert len(captured) == 2  # the rows with their programme, OPD, person and kelurahan; the count


def test_the_bulk_page_counts_only_up_to_its_limit_and_asks_to_narrow(client_as, monkeypatch):
    """At a million persons, counting every match took 630 ms per page: past BULK_COUNT_LIMIT the page stops
    counting and asks for narrower filters."""
    monkeypatch.setattr(selectors, "BULK_COUNT_LIMIT", 3)
    people = [PersonFactory(household__kelurahan=kelurahan("Danau Tundai"))] + [PersonFactory() for _ in range(4)]
    page = client_as("disnaker_caseworker").get(reverse("interventions:bulk"))
    text = page.content.decode()
    assert "lebih dari 3" in text and "persempit saringan" in text
    assert len(page.context["page_obj"].object_list) == 3
    narrowed = client_as("disnaker_caseworker").get(
        reverse("interventions:bulk"), {"kelurahan": people[0].household.kelurahan_id}
    )
    assert "lebih dari" not in narrowed.content.decode()
    assert list(narrowed.context["page_obj"].object_list) == [people[0]]
