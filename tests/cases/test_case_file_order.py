"""The case file reads in the order of work: members, visits, needs and referrals, then the household's data,
and the change history last, folded (on a phone it was 5,600 px with the history before the household)."""

import re

from django.urls import reverse

from tests.factories import PersonFactory, VisitFactory


def test_the_case_file_puts_the_work_first_and_folds_the_history(client_as, dinsos_caseworker, db):
    person = PersonFactory()
    VisitFactory(household=person.household, caseworker=dinsos_caseworker)
    page = client_as("supervisor").get(reverse("cases:detail", args=[person.household_id])).content.decode()
    sections = ['id="anggota"', 'id="kunjungan"', 'id="kebutuhan"', "Data rumah tangga", 'id="riwayat"']
    positions = [page.index(marker) for marker in sections]
    assert positions == sorted(positions)
    history = re.search(r'<details class="mt-4 case-history" id="riwayat">', page)
    assert history is not None  # folded: <details> without `open`
    assert f"?case_id={person.household_id}" in page  # the whole history, for those who may read it


def test_a_caseworker_gets_no_link_to_the_audit_trail(client_as, dinsos_caseworker, db):
    person = PersonFactory()
    page = client_as("dinsos_caseworker").get(reverse("cases:detail", args=[person.household_id])).content.decode()
    assert 'id="riwayat"' in page and "?case_id=" not in page
