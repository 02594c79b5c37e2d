"""A referral's page leads back to the inbox only for who may open the inbox (the admin reads referrals but has
no inbox: the link led to a 403, found by the benchmark crawl)."""

import pytest
from django.urls import reverse

from coordination.services import assessment_record
from tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db
INBOX = reverse("coordination:inbox")


@pytest.mark.parametrize(("role", "linked"), [("admin", False), ("supervisor", True), ("disnaker_caseworker", True)])
def test_the_breadcrumb_links_the_inbox_only_for_who_may_open_it(client_as, dinsos_caseworker, role, linked):
    person = PersonFactory(household=HouseholdFactory())
    _a, created, _s = assessment_record(
        household=person.household, actor=dinsos_caseworker, needs=[("no_work", person, "")]
    )
    client = client_as(role)
    page = client.get(reverse("coordination:referral", args=[created[0].pk]))
    assert page.status_code == 200
    assert (f'href="{INBOX}"' in page.content.decode()) is linked
    assert client.get(INBOX).status_code == (200 if linked else 403)
