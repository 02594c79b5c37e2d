"""What a new user ran into on the household, member and visit forms: each is refused on the page, with a clear
message on the field to correct, what was typed kept, and nothing saved."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import latest_planned
from core.errors import DomainError
from households.models import Household, Person, Visit
from households.services import person_move
from tests.factories import HouseholdFactory, PersonFactory
from tests.households.test_views import member, registration
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, name: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(name, [])]


# 1. The back button restores a saved visit form; saving it again must not make a second visit.


def test_a_visit_sent_again_after_the_back_button_is_refused_naming_the_visit(client_as):
    household = HouseholdFactory()
    url = reverse("households:visit_add", args=[household.pk])
    client = client_as("dinsos_caseworker")
    typed = {"visited_on": "2025-03-04", "purpose": "monitoring", "findings": "Atap bocor, anak belum sekolah."}
    form = page_form(client.get(url))
    for name, value in typed.items():
        form[name] = value
    assert form.submit(client).status_code == 302
    # Back: the browser loads the page again (a new form) and restores what was typed, then Save.
    again = page_form(client.get(url))
    for name, value in typed.items():
        again[name] = value
    response = again.submit(client)
    assert response.status_code == 200
    assert "Kunjungan ini sudah tercatat: 04/03/2025, Pemantauan" in text(response)
    assert "tidak dicatat dua kali" in text(response)
    assert "Atap bocor, anak belum sekolah." in text(response)  # what was typed is still in the form
    assert Visit.objects.count() == 1
    # Another visit the same day with other findings is a real visit.
    again = page_form(response)
    again["findings"] = "Kunjungan sore: kepala keluarga sudah pulang."
    assert again.submit(client).status_code == 302
    assert Visit.objects.count() == 2


# 2. Impossible dates: the forms send `novalidate`, so the browser's min/max do not stop them.


@pytest.mark.parametrize(
    ("visited_on", "words"),
    [
        ("1990-01-01", "Tanggal 01/01/1990 terlalu lama; isi tanggal sejak 01/01/2015"),
        ((TODAY + datetime.timedelta(days=1)).isoformat(), "tidak boleh di masa depan"),
    ],
)
def test_a_visit_date_before_2015_or_in_the_future_is_refused_on_its_field(client_as, visited_on, words):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:visit_add", args=[household.pk])))
    form["visited_on"], form["purpose"] = visited_on, "monitoring"
    response = form.submit(client)
    assert response.status_code == 200
    assert any(words in error for error in field_errors(response, "visited_on"))
    assert not Visit.objects.exists()


def test_a_follow_up_years_ahead_is_refused(client_as):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:visit_add", args=[household.pk])))
    form["purpose"], form["next_follow_up_on"] = "monitoring", "9999-12-31"
    response = form.submit(client)
    assert any("terlalu jauh ke depan" in error for error in field_errors(response, "next_follow_up_on"))
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("measured_on", "words"),
    [
        ("1900-01-01", "Tanggal 01/01/1900 terlalu lama"),
        ("9999-12-31", "tidak boleh di masa depan"),
        ((TODAY + datetime.timedelta(days=1)).isoformat(), "tidak boleh di masa depan"),
    ],
)
def test_an_impossible_expenditure_measurement_date_is_refused_on_the_household_edit_form(
    client_as, measured_on, words
):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:edit", args=[household.pk])))
    form["expenditure_per_capita"], form["expenditure_measured_on"] = "450000", measured_on
    response = form.submit(client)
    assert response.status_code == 200
    assert any(words in error for error in field_errors(response, "expenditure_measured_on"))
    assert 'value="450000"' in response.text
    household.refresh_from_db()
    assert household.expenditure_per_capita is None and household.expenditure_measured_on is None


def test_the_date_inputs_carry_the_same_bounds_for_the_phones_picker(client_as):
    household = HouseholdFactory()
    page = client_as("dinsos_caseworker").get(reverse("households:visit_add", args=[household.pk])).text
    visited = re.search(r'<input[^>]*name="visited_on"[^>]*>', page).group()
    follow_up = re.search(r'<input[^>]*name="next_follow_up_on"[^>]*>', page).group()
    assert 'min="2015-01-01"' in visited and f'max="{TODAY.isoformat()}"' in visited
    assert 'min="2015-01-01"' in follow_up and f'max="{latest_planned().isoformat()}"' in follow_up


# 3. Database constraint names instead of messages.


def test_registering_a_household_with_a_no_kk_already_used_links_to_that_household(client_as):
    existing = PersonFactory(full_name="Ahmad Lama").household
    client = client_as("dinsos_caseworker")
    form = registration(client, member(nik=""), no_kk=existing.no_kk, address="Jl. Lain No. 1")
    response = form.submit(client)
    assert response.status_code == 200
    page = text(response)
    assert "households_household_kk_unique" not in page and "dilanggar" not in page
    [error] = field_errors(response, "no_kk")
    assert "No. KK ini sudah dipakai" in error and "Ahmad Lama" in error
    assert f'href="{reverse("cases:detail", args=[existing.pk])}"' in error
    assert 'value="Jl. Lain No. 1"' in response.text
    assert Household.objects.count() == 1


def test_editing_a_household_to_a_no_kk_already_used_is_refused_on_the_field(client_as):
    existing, mine = HouseholdFactory(), HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:edit", args=[mine.pk])))
    form["no_kk"] = existing.no_kk
    response = form.submit(client)
    assert response.status_code == 200
    assert "dilanggar" not in text(response)
    [error] = field_errors(response, "no_kk")
    assert f'href="{reverse("cases:detail", args=[existing.pk])}"' in error
    stored = mine.no_kk
    mine.refresh_from_db()
    assert mine.no_kk == stored


def test_a_p3ke_id_already_used_is_refused_on_the_field(client_as):
    existing, mine = HouseholdFactory(), HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:edit", args=[mine.pk])))
    form["p3ke_id"] = existing.p3ke_id
    response = form.submit(client)
    assert "dilanggar" not in text(response)
    [error] = field_errors(response, "p3ke_id")
    assert "ID keluarga P3KE ini sudah dipakai" in error
    assert f'href="{reverse("cases:detail", args=[existing.pk])}"' in error


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "words"),
    [
        ("500", "113.9", "latitude", "Lintang harus di antara -90 dan 90"),
        ("-2.2", "-500", "longitude", "Bujur harus di antara -180 dan 180"),
        ("-2.2", "", "longitude", "Isi lintang dan bujur bersama-sama"),
    ],
)
def test_coordinates_out_of_range_are_refused_on_their_field(client_as, latitude, longitude, field, words):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:edit", args=[household.pk])))
    form["latitude"], form["longitude"] = latitude, longitude
    response = form.submit(client)
    assert response.status_code == 200
    assert "dilanggar" not in text(response)
    assert [error for error in field_errors(response, field) if words in error]
    assert not response.context["form"].non_field_errors()
    household.refresh_from_db()
    assert household.latitude is None


def test_a_poverty_line_of_zero_is_refused_on_its_field(client_as):
    client = client_as("admin")
    form = page_form(client.get(reverse("households:poverty_line_create")))
    form["valid_from"], form["amount"] = "2025-01-01", "0"
    response = form.submit(client)
    assert response.status_code == 200
    assert "dilanggar" not in text(response)
    assert field_errors(response, "amount") == ["Garis kemiskinan harus lebih dari Rp 0."]


# 4. One head of household.


def test_a_second_member_cannot_be_made_head_when_the_household_has_one(client_as):
    head = PersonFactory(full_name="Budi Kepala")
    child = PersonFactory(household=head.household, relation="anak", full_name="Adi Anak", nik="")
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_edit", args=[child.pk])))
    form["relation"], form["occupation"] = "kepala", "Nelayan"
    response = form.submit(client)
    assert response.status_code == 200
    [error] = field_errors(response, "relation")
    assert "Budi Kepala sudah menjadi kepala keluarga di rumah tangga ini" in error
    assert 'value="Nelayan"' in response.text
    child.refresh_from_db()
    assert (child.relation, child.occupation) == ("anak", "")


def test_a_second_head_cannot_be_added_as_a_new_member(client_as):
    head = PersonFactory(full_name="Budi Kepala")
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_add", args=[head.household_id])))
    for name, value in member(nik="", full_name="Kepala Kedua").items():
        form[name] = value
    response = form.submit(client)
    assert response.status_code == 200
    assert "Budi Kepala sudah menjadi kepala keluarga" in " ".join(field_errors(response, "relation"))
    assert Person.objects.filter(household=head.household).count() == 1


def test_the_move_form_asks_the_relation_in_the_new_household_and_refuses_a_second_head(client_as):
    mover = PersonFactory(full_name="Budi Pindah")
    target = PersonFactory(full_name="Kepala Tujuan").household
    client = client_as("dinsos_caseworker")
    url = reverse("households:member_move", args=[mover.pk])
    form = page_form(client.get(url))
    assert form["relation"] == "kepala"  # the current relation, by default
    form["target"], form["reason"] = str(target.pk), "Menikah lagi"
    response = form.submit(client)
    assert response.status_code == 200
    [error] = field_errors(response, "relation")
    assert f"Rumah tangga #{target.pk} sudah punya kepala keluarga (Kepala Tujuan)" in error
    assert "Menikah lagi" in response.text
    mover.refresh_from_db()
    assert mover.household_id != target.pk
    form = page_form(response)
    form["relation"] = "pasangan"
    assert form.submit(client).status_code == 302
    mover.refresh_from_db()
    assert (mover.household_id, mover.relation) == (target.pk, "pasangan")
    assert list(Person.objects.heads().filter(household=target).values_list("full_name", flat=True)) == [
        "Kepala Tujuan"
    ]


def test_a_head_may_move_into_a_household_without_one_and_leaves_a_household_without_a_head(client_as):
    mover = PersonFactory(full_name="Budi Pindah")
    left = mover.household
    PersonFactory(household=left, relation="pasangan", full_name="Siti Tinggal", nik="", sex="P")
    target = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_move", args=[mover.pk])))
    form["target"], form["reason"] = str(target.pk), "Pindah rumah"
    assert form.submit(client).status_code == 302
    target.refresh_from_db()
    left.refresh_from_db()
    assert (target.head_name, left.head_name) == ("Budi Pindah", "")
    case_file = client.get(reverse("cases:detail", args=[left.pk]))
    assert "(tanpa kepala keluarga)" in case_file.text
    assert "Belum ada kepala keluarga" in case_file.text


def test_the_move_service_refuses_a_second_head_whatever_calls_it(dinsos_caseworker):
    mover = PersonFactory()
    target = PersonFactory().household
    with pytest.raises(DomainError, match="sudah punya kepala keluarga"):
        person_move(person=mover, to_household=target, actor=dinsos_caseworker, reason="Pindah")
    person_move(person=mover, to_household=target, actor=dinsos_caseworker, reason="Pindah", relation="famili")
    assert Person.objects.heads().filter(household=target).count() == 1


# 6. A wrong NIK said once.


def test_a_wrong_nik_is_explained_once(client_as):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_add", args=[household.pk])))
    for name, value in member(nik="123", relation="anak").items():
        form[name] = value
    response = form.submit(client)
    assert field_errors(response, "nik") == ["NIK harus 16 digit; yang diisi 3 digit."]
    assert text(response).count("NIK harus 16 digit") == 1


def test_a_nik_that_disagrees_with_the_birth_date_and_the_sex_gets_both_messages_in_one_pass(client_as):
    household = HouseholdFactory()
    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("households:member_add", args=[household.pk])))
    # The NIK says a man born 02/01/80; the form says a woman born 03/01/1980.
    for name, value in member(nik="6271040201800001", sex="P", birth_date="1980-01-03", relation="anak").items():
        form[name] = value
    response = form.submit(client)
    errors = field_errors(response, "nik")
    assert len(errors) == 2
    assert "Tanggal lahir dalam NIK (02/01/80)" in errors[0] and "Jenis kelamin dalam NIK (laki-laki)" in errors[1]
    assert not household.members.exists()


# The house part of the registration folds on a phone (it can wait for a later visit), never over a refusal.


def house_part(response) -> str:
    return re.search(r'<details class="mt-3 house-part"[^>]*>', text(response)).group(0)


def test_the_house_part_starts_folded_and_opens_on_a_refusal_inside_it(client_as):
    client = client_as("dinsos_caseworker")
    assert "open" not in house_part(client.get(reverse("households:create")))
    refused = registration(client, member(), floor="", latitude="95").submit(client)
    assert refused.status_code == 200 and Household.objects.count() == 0
    assert " open" in house_part(refused)  # the message on the latitude is not hidden in a fold
    assert 'value="95"' in text(refused)


def test_the_house_part_is_open_on_the_edit_of_a_household_with_house_data(client_as):
    household = HouseholdFactory(floor="tanah")
    response = client_as("dinsos_caseworker").get(reverse("households:edit", args=[household.pk]))
    assert " open" in house_part(response)
