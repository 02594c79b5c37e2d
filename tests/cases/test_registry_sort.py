"""The registry's sorts page through every household exactly once, even where many share the sorted value."""

import pytest
from django.urls import reverse

from cases import selectors
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["members", "-members", "kelurahan", "-kelurahan", "status", "desil"])
def test_each_sort_pages_through_every_household_once(client_as, monkeypatch, sort):
    monkeypatch.setattr(selectors, "REGISTRY_PAGE_SIZE", 2)
    made = {HouseholdFactory().pk for _ in range(7)}  # the same kelurahan, status, desil and (0) members
    client = client_as("supervisor")
    seen = []
    for page in range(1, 5):
        response = client.get(reverse("cases:registry"), {"sort": sort, "page": page})
        seen += [household.pk for household in response.context["page_obj"]]
    assert sorted(seen) == sorted(made)  # none twice, none missing
    sql = str(response.context["page_obj"].paginator.object_list.query)
    assert sql.rstrip().endswith(('"households_household"."id" ASC', '"households_household"."id" DESC'))
