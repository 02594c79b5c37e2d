"""Every headline number on the dashboard opens a list of exactly what it counts."""

import html
import re

import pytest
from django.urls import reverse

from households.models import Household

pytestmark = pytest.mark.django_db

# The headline numbers that count persons: the registry lists households, and says how many persons they hold.
PERSON_TOTALS = {"headline-ep-persons": "extreme_poor", "headline-served": "served"}


def headline_links(page: str) -> dict[str, tuple[str, int]]:
    """data-testid -> (link, number shown) for every linked number in the dashboard's headline."""
    found = {}
    anchor = re.compile(r"<a\b([^>]*)>\s*(?:<strong([^>]*)>)?\s*(\d+)\s*(?:</strong>)?\s*</a>")
    for attrs, inner, number in anchor.findall(page):
        testid = re.search(r'data-testid="(headline-[^"]+)"', attrs + (inner or ""))
        href = re.search(r'href="([^"]+)"', attrs)
        if testid and href:
            found[testid.group(1)] = (html.unescape(href.group(1)), int(number))
    return found


def test_each_headline_number_opens_a_list_of_exactly_that_many(client_as, demo):
    client = client_as("supervisor")
    links = headline_links(client.get(reverse("dashboard:index")).text)
    assert {
        "headline-ep-persons",
        "headline-ep-households",
        "headline-served",
        "headline-graduated",
        "headline-fell-back",
        "headline-overdue-referrals",
        "headline-overdue-follow-ups",
        "headline-needs",
        "headline-visited",
    } <= links.keys()
    for testid, (url, shown) in links.items():
        listed = client.get(url)
        assert listed.status_code == 200, testid
        rows = listed.context["page_obj"].paginator.count
        if testid in PERSON_TOTALS:
            rows = listed.context["persons"][PERSON_TOTALS[testid]]
        assert rows == shown, f"{testid}: the dashboard shows {shown}, its link lists {rows} ({url})"


def test_the_served_link_lists_the_households_of_the_served_persons_and_no_other(client_as, demo):
    client = client_as("supervisor")
    url, shown = headline_links(client.get(reverse("dashboard:index")).text)["headline-served"]
    listed = client.get(url)
    served_households = Household.objects.filter(
        status=Household.Status.EXTREME_POOR, archived_at__isnull=True, served_count__gt=0
    )
    assert listed.context["page_obj"].paginator.count == served_households.count()
    all_ep = client.get(reverse("cases:registry") + "?status=extreme_poor").context["persons"]["extreme_poor"]
    assert shown < all_ep  # the demo has persons still waiting: the link must not open all of them
    assert listed.context["persons"]["served"] == shown


def test_the_served_list_says_how_many_persons_and_which_in_each_household(client_as, demo):
    """The link reads "33 served"; the list it opens holds households, so it leads with the 33 persons and
    tells per household how many of its members are served (the walk-through saw "15 rumah tangga" only)."""
    client = client_as("supervisor")
    url, shown = headline_links(client.get(reverse("dashboard:index")).text)["headline-served"]
    page = client.get(url).text
    assert re.search(r'data-testid="registry-served">(\d+)<', page).group(1) == str(shown)
    per_row = [int(n) for n in re.findall(r'data-testid="served-members">\s*(\d+) dari \d+ jiwa', page)]
    assert len(per_row) == Household.objects.filter(served_count__gt=0, status="extreme_poor").count()
    assert sum(per_row) == shown
    plain = client.get(reverse("cases:registry")).text
    assert 'data-testid="served-members"' not in plain and 'data-testid="registry-served"' not in plain


@pytest.mark.parametrize("role", ["admin", "supervisor", "dinsos_caseworker"])
def test_every_number_on_the_dashboard_opens_for_whoever_reads_it(client_as, demo, role):
    """The crawl found the admin's referral numbers linking to the inbox, which answers 403 to an admin:
    a number links only to a list its reader may open."""
    client = client_as(role)
    page = client.get(reverse("dashboard:index")).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    links = {html.unescape(href) for href in re.findall(r'href="(/[^"]*)"', main)}
    assert links
    refused = [link for link in links if client.get(link).status_code != 200]
    assert refused == []
