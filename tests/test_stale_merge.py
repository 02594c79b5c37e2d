"""When a save is refused because someone else saved first, the form comes back with the record as stored
now plus this user's own changes: saving again keeps both people's work, and a field both changed is
marked with the other person's value (the tester's finding: saving again used to undo the other change)."""

import pytest
from django.test import Client
from django.urls import reverse

from households.services import visit_log
from interventions.models import Program
from interventions.services import intervention_record
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, opd
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db


def two_clients(first_user, second_user) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    return first, second


def test_saving_again_after_a_refusal_keeps_both_peoples_changes(cast):
    person = PersonFactory(occupation="Petani")
    url = reverse("households:member_edit", args=[person.pk])
    first, second = two_clients(cast["dinsos_caseworker"], cast["supervisor"])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    mine["occupation"] = "Nelayan"
    assert mine.submit(first).status_code == 302
    theirs["chronic_illness"] = "Hipertensi"
    refused = theirs.submit(second)
    assert refused.status_code == 200 and "Data ini sudah diubah oleh" in refused.text
    again = page_form(refused)
    assert (again["occupation"], again["chronic_illness"]) == ("Nelayan", "Hipertensi")
    assert again.submit(second).status_code == 302
    person.refresh_from_db()
    assert (person.occupation, person.chronic_illness) == ("Nelayan", "Hipertensi")


def test_a_field_both_changed_is_marked_and_the_deliberate_second_save_decides(cast):
    person = PersonFactory(occupation="Petani")
    url = reverse("households:member_edit", args=[person.pk])
    first, second = two_clients(cast["dinsos_caseworker"], cast["supervisor"])
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    mine["occupation"], theirs["occupation"] = "Nelayan", "Buruh"
    assert mine.submit(first).status_code == 302
    refused = theirs.submit(second)
    assert "Pengguna lain juga mengubah isian ini, menjadi: Nelayan" in refused.text
    again = page_form(refused)
    assert again["occupation"] == "Buruh"
    assert again.submit(second).status_code == 302
    person.refresh_from_db()
    assert person.occupation == "Buruh"


def test_household_visit_and_intervention_forms_merge_too(cast):
    household = HouseholdFactory(address="Jl. Lama", rt="001")
    person = PersonFactory(household=household)
    visit = visit_log(household=household, caseworker=cast["dinsos_caseworker"], purpose="monitoring", findings="A")
    intervention = intervention_record(
        program=Program.objects.get(name="Pelatihan kerja"), person=person, recorded_by=cast["supervisor"]
    )
    cases = [
        (reverse("households:edit", args=[household.pk]), ("address", "Jl. Baru"), ("rt", "7"), household),
        (reverse("households:visit_edit", args=[visit.pk]), ("findings", "B"), ("purpose", "follow_up"), visit),
        (
            reverse("interventions:edit", args=[intervention.pk]),
            ("notes", "Angkatan II"),
            ("amount", "5000"),
            intervention,
        ),
    ]
    first, second = two_clients(cast["supervisor"], UserFactory(username="sv2", opd=opd("Dinsos"), role="supervisor"))
    for url, (field_a, value_a), (field_b, value_b), record in cases:
        mine, theirs = page_form(first.get(url)), page_form(second.get(url))
        mine[field_a], theirs[field_b] = value_a, value_b
        assert mine.submit(first).status_code == 302
        again = page_form(theirs.submit(second))
        assert again[field_a] == value_a and again[field_b] == value_b, url
        assert again.submit(second).status_code == 302
        record.refresh_from_db()
        assert str(getattr(record, field_a)) == value_a, url


def test_a_reference_record_merges_the_same_way(client):
    program = Program.objects.get(name="Pelatihan kerja")
    url = reverse("interventions:program_edit", args=[program.pk])
    first, second = two_clients(
        UserFactory(username="admin_a", opd=opd("Diskominfo"), role="admin"),
        UserFactory(username="admin_b", opd=opd("Diskominfo"), role="admin"),
    )
    mine, theirs = page_form(first.get(url)), page_form(second.get(url))
    mine["description"], theirs["unit"] = "Pelatihan menjahit dan las", "peserta"
    assert mine.submit(first).status_code == 302
    again = page_form(theirs.submit(second))
    assert (again["description"], again["unit"]) == ("Pelatihan menjahit dan las", "peserta")
    assert again.submit(second).status_code == 302
    program.refresh_from_db()
    assert (program.description, program.unit) == ("Pelatihan menjahit dan las", "peserta")


def test_the_opened_values_carry_no_stored_identity_number(client_as):
    """The merge remembers what the form showed: an empty NIK, never the stored one (not even signed)."""
    import base64
    import zlib

    person = PersonFactory()
    client = client_as("supervisor")
    page = client.get(reverse("households:member_edit", args=[person.pk]))
    assert person.nik not in page.text
    opened = page_form(page)["opened"]
    payload = opened.split(":")[0].lstrip(".")
    decoded = zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).decode()
    assert person.nik not in decoded and '"nik":""' in decoded.replace(" ", "")
