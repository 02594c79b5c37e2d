"""Edit forms of shared reference data (programmes, OPDs, accounts, poverty lines, responsibility rules)
refuse a save made from a page opened before someone else saved, say who changed it, keep what was typed,
and let a second, deliberate save through."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Opd
from coordination.models import ResponsibilityRule
from households.models import PovertyLine
from interventions.models import Program
from tests.factories import UserFactory, opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

# (url name, the record, a field to type into, what each of the two admins types)
CASES = [
    ("interventions:program_edit", lambda: Program.objects.get(name="Pelatihan kerja"), "description", ("A", "B")),
    ("accounts:opd_edit", lambda: opd("PUPR"), "name", ("Dinas PUPR Kota", "Dinas PU dan PR")),
    (
        "accounts:user_edit",
        lambda: UserFactory(username="petugas", first_name="Petugas"),
        "first_name",
        ("Ani", "Budi"),
    ),
    ("households:poverty_line_edit", lambda: PovertyLine.objects.first(), "source", ("BPS 2024", "BPS 2025")),
    ("coordination:rule_edit", lambda: ResponsibilityRule.objects.get(need="no_work"), "due_days", ("21", "45")),
]


@pytest.mark.parametrize(("name", "record", "field", "typed"), CASES, ids=[c[0] for c in CASES])
def test_a_stale_reference_edit_is_refused_and_a_second_save_goes_through(client, name, record, field, typed):
    target = record()
    url = reverse(name, args=[target.pk])
    first, second = Client(), Client()
    first.force_login(UserFactory(username="admin_a", opd=opd("Diskominfo"), role="admin"))
    second.force_login(UserFactory(username="admin_b", opd=opd("Diskominfo"), role="admin"))
    mine, theirs = page_form(first.get(url), containing=field), page_form(second.get(url), containing=field)
    mine[field], theirs[field] = typed
    assert mine.submit(first).status_code == 302
    refused = theirs.submit(second)
    assert refused.status_code == 200
    assert "sudah diubah oleh" in refused.text
    assert page_form(refused, containing=field)[field] == typed[1]  # the typing is kept
    target.refresh_from_db()
    assert str(getattr(target, field)) == typed[0]
    assert page_form(refused, containing=field).submit(second).status_code == 302  # seen it; saving on purpose
    target.refresh_from_db()
    assert str(getattr(target, field)) == typed[1]


def test_a_create_form_carries_no_edit_digest(client):
    client.force_login(UserFactory(username="admin_a", opd=opd("Diskominfo"), role="admin"))
    form = page_form(client.get(reverse("accounts:opd_create")))
    form["name"], form["short_name"] = "Dinas Perikanan", "Diskan"
    assert form.submit(client).status_code == 302
    assert Opd.objects.filter(short_name="Diskan").exists()


def test_a_poverty_line_source_edit_is_saved(client):
    """Its `source` field used to collide with the change log's own `source` argument and never saved."""
    line = PovertyLine.objects.first()
    client.force_login(UserFactory(username="admin_a", opd=opd("Diskominfo"), role="admin"))
    form = page_form(client.get(reverse("households:poverty_line_edit", args=[line.pk])))
    form["source"] = "BPS, Maret 2025"
    assert form.submit(client).status_code == 302
    line.refresh_from_db()
    assert line.source == "BPS, Maret 2025"
