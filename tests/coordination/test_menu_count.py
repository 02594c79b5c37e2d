"""The menu's "Rujukan (n)" on every page comes from the dashboard's tallies — no count over the referrals on
any page — and is exact at once after a referral is sent or changes status, in every server process alike
(nothing cached that another process would have to forget)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.models import Referral
from coordination.services import assessment_record
from tests.factories import HouseholdFactory, PersonFactory, opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

HOME, REGISTRY, INTERVENTIONS = reverse("home"), reverse("cases:registry"), reverse("interventions:list")


@pytest.fixture
def work_referrals(dinsos_caseworker):
    """Two open referrals to Disnaker (work), one to Disdukcapil (documents)."""
    referrals = []
    for needs in (["no_work", "no_documents"], ["no_work"]):
        person = PersonFactory(household=HouseholdFactory())
        _a, created, _s = assessment_record(
            household=person.household, actor=dinsos_caseworker, needs=[(need, person, "") for need in needs]
        )
        referrals += created
    return referrals


def menu_count(response) -> int | None:
    """The number in the menu's "Rujukan (n)", None when it says just "Rujukan"."""
    assert response.status_code == 200
    found = re.search(r">\s*Rujukan(?: \((\d+)\))?\s*<", response.text)
    assert found, "no Rujukan in the menu"
    return int(found[1]) if found[1] else None


def referral_counts(queries: CaptureQueriesContext) -> list[str]:
    table = Referral._meta.db_table
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]


@pytest.mark.parametrize(("role", "expected"), [("disnaker_caseworker", 2), ("supervisor", 3)])
def test_the_menu_count_reads_the_tallies_on_every_page(client_as, work_referrals, role, expected):
    client = client_as(role)
    referrals = Referral.objects.open()
    recount = (referrals.filter(opd=opd("Disnaker")) if role == "disnaker_caseworker" else referrals).count()
    assert recount == expected
    for url in (HOME, REGISTRY, INTERVENTIONS):
        with CaptureQueriesContext(connection) as queries:
            assert menu_count(client.get(url)) == expected
        assert referral_counts(queries) == [], url


def test_declining_a_referral_shows_in_the_menu_at_once(client_as, work_referrals):
    assert menu_count(client_as("supervisor").get(HOME)) == 3  # every OPD's count
    client = client_as("disnaker_caseworker")
    assert menu_count(client.get(HOME)) == 2
    form = page_form(client.get(reverse("coordination:referral", args=[work_referrals[0].pk])), containing="reason")
    form["reason"] = "Bukan kewenangan Disnaker"
    assert form.submit(client).status_code == 302
    assert menu_count(client.get(HOME)) == 1
    assert menu_count(client_as("supervisor").get(HOME)) == 2


def test_a_new_referral_shows_in_the_receiving_opds_menu_at_once(client_as, work_referrals):
    assert menu_count(client_as("disnaker_caseworker").get(HOME)) == 2
    person = PersonFactory(household=HouseholdFactory())
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("coordination:assess", args=[person.household_id])))
    form["assessed_on"] = timezone.localdate().isoformat()
    form[f"need_no_work_{person.pk}"] = True
    assert form.submit(client).status_code == 302
    assert menu_count(client_as("disnaker_caseworker").get(HOME)) == 3
