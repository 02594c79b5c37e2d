"""Every API list reads a page in a fixed number of queries: the same for 5 rows as for 60, pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.services import assessment_record
from tests.factories import InterventionFactory, PersonFactory, VisitFactory

pytestmark = pytest.mark.django_db

# A token request: the request's savepoint and its release (ATOMIC_REQUESTS inside the test's transaction), the
# token with its account (one query), the page, and what the page prefetches.
PINNED = {
    "api:household-list": 5,  # token, page of households (with kelurahan), their members
    "api:visit-list": 4,
    "api:assessment-list": 5,  # + their referrals
    "api:referral-list": 4,
    "api:intervention-list": 4,
    "api:kelurahan-list": 4,
    "api:kecamatan-list": 4,
    "api:program-list": 4,
    "api:opd-list": 4,
}


def _rows(cast, count):
    for _ in range(count):
        person = PersonFactory()
        PersonFactory(household=person.household, relation="anak")
        assessment_record(household=person.household, actor=cast["supervisor"], needs=[("no_work", person, "")])
        VisitFactory(household=person.household, caseworker=cast["dinsos_caseworker"])
        InterventionFactory(person=person)


def _count(api, url):
    api.get(url)  # the token's "last used" is written on the first request of the minute
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PINNED)
def test_api_lists_read_a_page_in_fixed_queries(api_token, cast, name):
    api = api_token("Dinsos")
    url = reverse(name) + "?page_size=200"
    _rows(cast, 2)
    few = _count(api, url)
    _rows(cast, 30)
    many = _count(api, url)
    assert few == many == PINNED[name]
