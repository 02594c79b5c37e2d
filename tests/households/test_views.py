"""Registering and editing households, members and visits in the browser's forms."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLog
from households.models import Household, Person, Visit
from tests.factories import HouseholdFactory, PersonFactory, kelurahan

pytestmark = pytest.mark.django_db

CREATE = reverse("households:create")


def member(index: int, **overrides) -> dict:
    values = {
        "full_name": "Budi Santoso",
        "nik": "6271040201800001",
        "sex": "L",
        "birth_date": "1980-01-02",
        "relation": "kepala",
        "disability": "tidak_ada",
        "health_insurance": "tidak_punya",
        "is_extreme_poor": "on",
    }
    values.update(overrides)
    return {f"members-{index}-{name}": value for name, value in values.items()}


def register_data(*members: dict, token: str | None = None) -> dict:
    data = {
        "kelurahan": kelurahan("Kameloh Baru").pk,
        "address": "Jl. Mahir Mahar No. 5",
        "rt": "3",
        "rw": "1",
        "no_kk": "6271 0420 0100 0001",
        "desil": "1",
        "floor": "tanah",
        "submission_token": token or str(uuid.uuid4()),
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "30",
    }
    for values in members:
        data.update(values)
    return data


def test_register_a_household_with_members(client_as):
    client = client_as("dinsos_caseworker")
    data = register_data(
        member(0),
        member(
            1, full_name="Siti Aminah", nik="6271044503850002", sex="P", birth_date="1985-03-05", relation="pasangan"
        ),
    )
    response = client.post(CREATE, data)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[household.pk])
    assert (household.no_kk, household.rt, household.rw) == ("6271042001000001", "003", "001")
    assert household.head_name == "Budi Santoso"
    assert household.member_count == 2
    assert ChangeLog.objects.for_case(household.pk).count() == 3


def test_a_registered_nik_leads_to_the_existing_person_and_nothing_is_saved(client_as):
    existing = PersonFactory(full_name="Ahmad Lama")
    client = client_as("dinsos_caseworker")
    response = client.post(
        CREATE, register_data(member(0, nik=existing.nik, birth_date=existing.birth_date.isoformat()))
    )
    assert response.status_code == 200
    assert "sudah terdaftar atas nama Ahmad Lama" in response.text
    assert f'href="{reverse("cases:detail", args=[existing.household_id])}"' in response.text
    assert Household.objects.count() == 1 and Person.objects.count() == 1


def test_a_nik_that_disagrees_with_the_birth_date_is_refused_in_indonesian(client_as):
    response = client_as("dinsos_caseworker").post(CREATE, register_data(member(0, birth_date="1980-01-03")))
    assert response.status_code == 200
    assert "tidak sama dengan tanggal lahir yang diisi" in response.text
    assert not Household.objects.exists()


def test_impossible_and_future_dates_are_refused(client_as):
    client = client_as("dinsos_caseworker")
    response = client.post(CREATE, register_data(member(0, birth_date="31/02/1980", nik="")))
    assert "Masukkan tanggal yang valid" in response.text
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(CREATE, register_data(member(0, birth_date=future, nik="")))
    assert "tidak boleh di masa depan" in response.text
    assert not Household.objects.exists()


def test_every_error_is_shown_and_nothing_saved(client_as):
    data = register_data(member(0, full_name="", nik="12AB"))
    data.update({"address": "", "kelurahan": ""})
    response = client_as("dinsos_caseworker").post(CREATE, data)
    text = response.text
    assert text.count("Bidang ini tidak boleh kosong") >= 3
    assert "hanya boleh berisi angka" in text
    assert not Household.objects.exists()


def test_exactly_one_head_is_required(client_as):
    data = register_data(member(0), member(1, nik="", full_name="Kepala Kedua"))
    response = client_as("dinsos_caseworker").post(CREATE, data)
    assert "tepat satu anggota sebagai kepala keluarga" in response.text
    assert not Household.objects.exists()


def test_adding_a_member_row_without_javascript_keeps_the_typed_values_and_saves_nothing(client_as):
    data = register_data(member(0, full_name="Budi Sudah Diketik"))
    data["add_member"] = "1"
    response = client_as("dinsos_caseworker").post(CREATE, data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 2
    assert 'value="Budi Sudah Diketik"' in response.text
    assert not Household.objects.exists()


def test_removing_a_member_row_without_javascript(client_as):
    extra = member(1, full_name="Salah Ketik", nik="", relation="anak")
    extra["members-1-DELETE"] = "on"
    response = client_as("dinsos_caseworker").post(CREATE, register_data(member(0), extra))
    assert response.status_code == 302
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Budi Santoso"]


def test_a_double_submitted_registration_creates_one_household(client_as):
    client = client_as("dinsos_caseworker")
    data = register_data(member(0))
    first = client.post(CREATE, data)
    second = client.post(CREATE, data, follow=True)
    assert Household.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "sudah terkirim sebelumnya" in second.text


def test_two_people_editing_the_same_household_second_save_is_refused(client_as, cast):
    household = HouseholdFactory(rt="001")
    url = reverse("households:edit", args=[household.pk])
    first, second = client_as("dinsos_caseworker"), None
    form = first.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    from django.test import Client

    second = Client()
    second.force_login(cast["supervisor"])
    assert first.post(url, {**data, "rt": "002"}).status_code == 302
    response = second.post(url, {**data, "rt": "009"})
    assert response.status_code == 200
    assert "sudah diubah oleh pengguna lain" in response.text
    household.refresh_from_db()
    assert household.rt == "002"


def test_status_change_needs_a_reason_and_caseworkers_cannot_graduate(client_as):
    household = HouseholdFactory()
    url = reverse("households:status", args=[household.pk])
    client = client_as("dinsos_caseworker")
    response = client.post(url, {"status": "moved", "reason": "  ", "submission_token": str(uuid.uuid4())})
    assert "wajib diisi" in response.text
    response = client.post(
        url, {"status": "graduated", "reason": "Sudah mandiri", "submission_token": str(uuid.uuid4())}
    )
    assert "Masukkan pilihan yang valid" in response.text
    household.refresh_from_db()
    assert household.status == "extreme_poor"
    supervisor = client_as("supervisor")
    supervisor.post(url, {"status": "graduated", "reason": "Sudah mandiri", "submission_token": str(uuid.uuid4())})
    household.refresh_from_db()
    assert household.status == "graduated"
    assert household.status_changes.get(to_status="graduated").reason == "Sudah mandiri"


def test_add_edit_and_move_a_member(client_as):
    household, target = HouseholdFactory(), HouseholdFactory()
    client = client_as("dinsos_caseworker")
    data = {k.replace("members-0-", ""): v for k, v in member(0, relation="anak", nik="").items()}
    data["submission_token"] = str(uuid.uuid4())
    assert client.post(reverse("households:member_add", args=[household.pk]), data).status_code == 302
    person = household.members.get()
    edit = client.get(reverse("households:member_edit", args=[person.pk])).context["form"]
    values = {name: edit[name].value() for name in edit.fields}
    values.update({"occupation": "Nelayan", "is_extreme_poor": "on", "nik": ""})
    values = {k: ("" if v is None else v) for k, v in values.items() if v is not False}
    assert client.post(reverse("households:member_edit", args=[person.pk]), values).status_code == 302
    person.refresh_from_db()
    assert person.occupation == "Nelayan"
    move = {"target": str(target.no_kk), "reason": "Menikah", "version": person.version}
    assert client.post(reverse("households:member_move", args=[person.pk]), move).status_code == 302
    person.refresh_from_db()
    assert person.household == target
    target.refresh_from_db()
    assert target.member_count == 1


def test_log_a_visit_defaults_to_today_and_refuses_future_dates(client_as):
    household = HouseholdFactory()
    url = reverse("households:visit_add", args=[household.pk])
    client = client_as("disnaker_caseworker")
    assert client.get(url).context["form"]["visited_on"].value() == timezone.localdate()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url, {"visited_on": tomorrow.isoformat(), "purpose": "monitoring", "submission_token": str(uuid.uuid4())}
    )
    assert "tidak boleh di masa depan" in response.text
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "purpose": "monitoring",
            "next_follow_up_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert "Tindak lanjut tidak boleh sebelum tanggal kunjungan" in response.text
    assert not Visit.objects.exists()
    response = client.post(
        url,
        {
            "visited_on": "27/11/2026" if False else timezone.localdate().strftime("%d/%m/%Y"),
            "purpose": "monitoring",
            "findings": "Baik",
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.caseworker.username == "cw_disnaker"
    household.refresh_from_db()
    assert household.last_visit_on == timezone.localdate()
