"""The list the dashboard's "… jiwa menunggu verifikasi" opens counts the same persons (third new-user trial)."""

import html
import re

import pytest
from django.urls import reverse

from tests.coordination.test_dtsen_proposals import register_in_browser
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:registry")


def test_the_families_waiting_for_verification_count_the_persons_the_dashboard_says(client_as):
    """The dashboard's "… jiwa menunggu verifikasi" opens this list, which said "0 jiwa miskin ekstrem" (third
    trial): it now counts the persons waiting, as the dashboard does (`Measure.PENDING_PERSONS`)."""
    PersonFactory()  # a family from a national list, counted officially
    register_in_browser(client_as("dinsos_caseworker"))  # two persons, waiting as "diusulkan"
    client = client_as("supervisor")
    dashboard = client.get(reverse("dashboard:index")).text
    found = re.search(r'data-testid="headline-pending">\s*<a href="([^"]+)"><strong>(\d+)</strong>', dashboard)
    link, said = html.unescape(found.group(1)), int(found.group(2))
    listing = client.get(link).text
    listed_pending = int(re.search(r'data-testid="registry-pending">(\d+)<', listing).group(1))
    assert listed_pending == said == 2
    assert 'data-testid="registry-persons"' not in listing  # no "0 jiwa miskin ekstrem" for this list
    # The same count when the list is not answered from the tallies (another filter is chosen too).
    listing = client.get(link + "&no_delivery=1").text
    assert int(re.search(r'data-testid="registry-pending">(\d+)<', listing).group(1)) == 2
    everyone = client.get(URL).text  # the whole register: both numbers, apart
    assert int(re.search(r'data-testid="registry-pending">(\d+)<', everyone).group(1)) == 2
    assert int(re.search(r'data-testid="registry-persons">(\d+)<', everyone).group(1)) == 1
