"""The referral pages a new user walks through speak one language and lead somewhere: one word for a referral
that waits for its OPD, inbox cards titled with the person, and a fulfil page that leads back to the referral."""

import re

import pytest
from django.urls import reverse

from coordination.models import Referral
from coordination.services import assessment_record
from tests.factories import HouseholdFactory, PersonFactory
from tests.pageforms import links

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_referral(dinsos_caseworker) -> Referral:
    """A member's work need, referred to Disnaker and not yet answered."""
    household = HouseholdFactory()
    head = PersonFactory(household=household, full_name="Yohanes Barimbing")
    _assessment, referrals, _skipped = assessment_record(
        household=household, actor=dinsos_caseworker, needs=[("no_work", head, "Buruh lepas")]
    )
    return referrals[0]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def inbox_row(html: str, referral: Referral) -> str:
    match = re.search(rf'<tr data-testid="referral-{referral.pk}">(.*?)</tr>', html, re.S)
    assert match, "the referral is not in the inbox"
    return match.group(1)


def breadcrumb(html: str) -> str:
    match = re.search(r'<nav aria-label="breadcrumb">(.*?)</nav>', html, re.S)
    assert match, "the page has no breadcrumb"
    return match.group(1)


def test_a_referral_waiting_for_its_opd_has_the_same_word_on_every_page(client_as, work_referral):
    client = client_as("supervisor")
    inbox = client.get(reverse("coordination:inbox"), {"status": "open"}).text
    status_cell = re.search(r'<td class="card-key" data-label="Status">(.*?)</td>', inbox_row(inbox, work_referral))
    in_inbox = text(status_cell.group(1))
    detail = client.get(reverse("coordination:referral", args=[work_referral.pk])).text
    in_detail = text(re.search(r'data-testid="referral-status">(.*?)<', detail).group(1))
    matrix = client.get(reverse("coordination:consolidation"), {"kelurahan": work_referral.household.kelurahan_id}).text
    cell = re.search(rf'data-testid="cell-{work_referral.household_id}-no_work"[^>]*>(.*?)</td>', matrix, re.S)
    in_matrix = text(cell.group(1))
    legend = text(re.search(r'<span class="cell-state state-sent">(.*?)</span>', matrix).group(1))
    tab = text(re.search(r'href="\?status=sent[^"]*">(.*?)\(', inbox, re.S).group(1))
    assert in_inbox == in_detail == in_matrix == legend == tab == "Dirujuk"


def test_an_inbox_card_is_titled_with_the_person_and_opens_the_referral(client_as, work_referral):
    row = inbox_row(client_as("disnaker_caseworker").get(reverse("coordination:inbox")).text, work_referral)
    title = re.search(r'<td class="card-first">(.*?)</td>', row, re.S).group(1)
    first_link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', title, re.S)
    assert first_link.group(1) == reverse("coordination:referral", args=[work_referral.pk])
    assert text(first_link.group(2)) == "Yohanes Barimbing"
    assert reverse("cases:detail", args=[work_referral.household_id]) in links(title)  # the household's case file
    # The need is the card's second line, not a link of its own.
    need_cell = re.search(r'<td data-label="Kebutuhan">(.*?)</td>', row, re.S).group(1)
    assert "Usia kerja tanpa pekerjaan/penghasilan" in text(need_cell) and links(need_cell) == []


def test_the_fulfil_page_leads_back_to_the_referral_and_the_inbox(client_as, work_referral):
    page = client_as("disnaker_caseworker").get(reverse("coordination:fulfil", args=[work_referral.pk]))
    assert page.status_code == 200
    referral_url = reverse("coordination:referral", args=[work_referral.pk])
    assert links(breadcrumb(page.text)) == [reverse("coordination:inbox"), referral_url]
    cancel = re.search(r'<a class="btn btn-outline-secondary btn-lg" href="([^"]+)">\s*Batal\s*</a>', page.text)
    assert cancel.group(1) == referral_url
    assert client_as("disnaker_caseworker").get(cancel.group(1)).status_code == 200
