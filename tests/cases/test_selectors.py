"""The case pages' selectors read in a fixed number of queries, however much a household or the city holds."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import selectors
from households.models import Household
from tests.factories import InterventionFactory, PersonFactory, VisitFactory, opd

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 10)
VISIT_NOTES = (f"Kunjungan ke-{n}" for n in itertools.count(1))


def grow(household: Household, caseworker, members: int) -> None:
    """Members with interventions of two OPDs (one delivered), visits by `caseworker` and their history."""
    for _ in range(members):
        person = PersonFactory(household=household, relation="anak", birth_date=datetime.date(2010, 1, 1))
        InterventionFactory(person=person, program__opd=opd("Disnaker"), recorded_by=caseworker)
        InterventionFactory(
            person=person,
            program__opd=opd("Dinsos"),
            recorded_by=caseworker,
            status="delivered",
            delivered_on=datetime.date(2024, 3, 1),
        )
        VisitFactory(household=household, caseworker=caseworker, findings=next(VISIT_NOTES), next_follow_up_on=TODAY)


def evaluated(result) -> None:
    """Read every queryset a selector hands to its template, as rendering would."""
    for value in vars(result).values():
        if hasattr(value, "_fetch_all"):
            list(value)


def count(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        evaluated(run())
    return len(captured)


def test_case_file_reads_in_a_fixed_number_of_queries(cast):
    caseworker = cast["dinsos_caseworker"]
    household = PersonFactory().household
    grow(household, caseworker, 1)
    household = selectors.case_file_households().get(pk=household.pk)  # as the page reads it
    few = count(lambda: selectors.case_file(household, caseworker))
    grow(household, caseworker, 6)
    assert count(lambda: selectors.case_file(household, caseworker)) == few == CASE_FILE_QUERIES


def test_the_case_file_page_reads_in_a_fixed_number_of_queries(client_as, cast):
    household = PersonFactory().household
    grow(household, cast["dinsos_caseworker"], 1)
    client = client_as("dinsos_caseworker")
    url = reverse("cases:detail", args=[household.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(household, cast["dinsos_caseworker"], 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, 2),  # the totals from the tallies, then the page's rows
        ({"kelurahan": "KELURAHAN"}, 3),  # the chosen kelurahan is looked up first
        ({"status": ["extreme_poor"], "desil": "1"}, 2),  # a filter the tallies cannot answer: one COUNT/SUM pass
    ],
    ids=["all", "place", "counted"],
)
def test_a_registry_page_reads_in_a_fixed_number_of_queries(cast, data, expected):
    household = PersonFactory().household
    if "kelurahan" in data:
        data = {**data, "kelurahan": str(household.kelurahan_id)}

    def page() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(selectors.registry_page(selectors.registry_filter(data), "1").page.object_list)
        assert rows
        return len(captured)

    few = page()
    for _ in range(30):  # more than a page
        PersonFactory()
    assert page() == few == expected


def test_my_work_reads_in_a_fixed_number_of_queries(cast):
    caseworker = cast["dinsos_caseworker"]
    household = PersonFactory().household
    grow(household, caseworker, 1)
    few = count(lambda: selectors.my_work(caseworker, TODAY))
    for _ in range(5):
        grow(PersonFactory().household, caseworker, 2)
    assert count(lambda: selectors.my_work(caseworker, TODAY)) == few == MY_WORK_QUERIES


# household members, then every intervention the page lists (the members' and the household's own, one query),
# programmes the user may record; then visits, status changes, national rankings, history, referrals. (A pending
# graduation proposal, which the household's own query tells of, is read only when there is one.) And its DTSEN
# proposals (usulan), newest first.
CASE_FILE_QUERIES = 10  # the tenth: which visits and interventions came from the field app
MY_WORK_QUERIES = 4  # follow-ups due, open interventions of my OPD, my recent visits, has my OPD a programme
