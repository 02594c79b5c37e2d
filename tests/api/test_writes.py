"""Writes through the API go through the pages' forms and services: the same rules, the same change log (with
source "api"), the same derived numbers; a resend with the same Idempotency-Key changes nothing; an edit made
from an old version is refused with 409."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLog
from coordination.models import DtsenProposal, Referral
from coordination.services import assessment_record
from households.models import Household, Person, Visit
from interventions.models import Intervention
from tests import oracle
from tests.factories import InterventionFactory, PersonFactory, ProgramFactory, kelurahan, opd

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _family(**overrides):
    return {
        "kelurahan": kelurahan("Kameloh Baru").pk,
        "address": "Jl. Mahir Mahar Gg. Api",
        "rt": "3",
        "rw": "1",
        "members": [
            {"full_name": "Ampung Bin Ahat", "nik": "", "sex": "L", "birth_date": "1980-04-02", "relation": "kepala"},
            {"full_name": "Ineh Ampung", "sex": "P", "birth_date": "1984-09-10", "relation": "pasangan"},
        ],
        **overrides,
    }


def test_registering_a_family_makes_a_proposal_not_an_official_count(api_token):
    api = api_token("Dinsos")
    response = api.post(reverse("api:household-list"), _family(), **{"Idempotency-Key": "reg-1"})
    assert response.status_code == 201, response.content
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert household.status == Household.Status.PROPOSED
    assert household.rt == "003"  # the page form's own cleaning
    assert [m["full_name"] for m in body["members"]] == ["Ampung Bin Ahat", "Ineh Ampung"]
    assert DtsenProposal.objects.filter(household=household, kind="new").count() == 1
    assert ChangeLog.objects.filter(case_id=household.pk, source="api").exists()
    assert response["ETag"] == f'"{household.version}"'
    again = api.post(reverse("api:household-list"), _family(), **{"Idempotency-Key": "reg-1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert Household.objects.filter(address="Jl. Mahir Mahar Gg. Api").count() == 1
    assert oracle.differences() == []


def test_the_form_rules_hold_through_the_api(api_token):
    api = api_token("Dinsos")
    taken = PersonFactory(nik="6271031204800001", birth_date=datetime.date(1980, 4, 12), sex="L")
    family = _family()
    family["members"][0]["nik"] = taken.nik
    response = api.post(reverse("api:household-list"), family)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "NIK ini sudah terdaftar atas nama" in errors["members[0].nik"][0]
    assert "<a" not in errors["members[0].nik"][0]  # the page's link, as text
    two_heads = _family()
    two_heads["members"][1]["relation"] = "kepala"
    response = api.post(reverse("api:household-list"), two_heads)
    assert response.json()["errors"] == {"members": ["Tandai tepat satu anggota sebagai kepala keluarga."]}
    assert not Household.objects.filter(address="Jl. Mahir Mahar Gg. Api").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kelurahan", 987654, "Masukkan pilihan yang valid"),
        ("kelurahan", "abc", "bilangan bulat"),
        ("address", "", "tidak boleh kosong"),
        ("rt", "12345", "3 karakter"),
    ],
)
def test_wrong_values_are_named_on_their_field(api_token, field, value, message):
    response = api_token("Dinsos").post(reverse("api:household-list"), _family(**{field: value}))
    assert response.status_code == 400
    assert message.lower() in " ".join(response.json()["errors"][field]).lower()


def test_an_edit_from_an_old_version_is_refused_and_changes_nothing(api_token):
    household = PersonFactory().household
    api = api_token("Dinsos")
    url = reverse("api:household-detail", args=[household.pk])
    read = api.get(url)
    etag = read["ETag"]
    first = api.patch(url, {"address": "Jl. Pertama"}, **{"If-Match": etag})
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api.patch(url, {"address": "Jl. Kedua"}, **{"If-Match": etag})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == int(first["ETag"].strip('"'))
    assert "Jl. Pertama" in stale.json()["detail"]
    household.refresh_from_db()
    assert household.address == "Jl. Pertama"
    assert api.patch(url, {"address": "Jl. Kedua"}).status_code == 428


def test_the_delivering_opd_records_and_moves_its_interventions(api_token):
    person = PersonFactory()
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    api = api_token("Disnaker")
    body = {"household": person.household_id, "program": program.pk, "person": person.pk, "planned_on": str(TODAY())}
    created = api.post(reverse("api:intervention-list"), body, **{"Idempotency-Key": "plan-1"})
    assert created.status_code == 201, created.content
    again = api.post(reverse("api:intervention-list"), body, **{"Idempotency-Key": "plan-1"})
    assert again.json() == created.json()
    assert Intervention.objects.filter(program=program).count() == 1
    # The same programme again in its period is the page's warning: refused unless confirmed.
    duplicate = api.post(reverse("api:intervention-list"), body)
    assert duplicate.status_code == 400 and "sudah pernah dicatat" in duplicate.json()["errors"]["non_field_errors"][0]

    url = reverse("api:intervention-transition", args=[created.json()["id"]])
    moved = api.post(url, {"status": "delivered", "delivered_on": str(TODAY())}, **{"If-Match": created["ETag"]})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "delivered"
    stale = api.post(url, {"status": "cancelled", "cancel_reason": "x"}, **{"If-Match": created["ETag"]})
    assert stale.status_code == 409
    assert oracle.differences() == []


def test_another_opds_programme_is_403(api_token):
    person = PersonFactory()
    dinsos = ProgramFactory(opd=opd("Dinsos"), target="person")
    api = api_token("Disnaker")
    body = {"household": person.household_id, "program": dinsos.pk, "person": person.pk}
    refused = api.post(reverse("api:intervention-list"), body)
    assert refused.status_code == 403
    assert not Intervention.objects.filter(program=dinsos).exists()
    theirs = InterventionFactory(person=person, program=dinsos)
    url = reverse("api:intervention-transition", args=[theirs.pk])
    assert api.post(url, {"status": "cancelled"}, **{"If-Match": f'"{theirs.version}"'}).status_code == 403


def test_a_delivery_in_one_step_and_a_refused_date(api_token):
    person = PersonFactory()
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    api = api_token("Disnaker")
    body = {"household": person.household_id, "program": program.pk, "person": person.pk}
    future = api.post(
        reverse("api:intervention-list"), {**body, "delivered_on": str(TODAY() + datetime.timedelta(days=3))}
    )
    assert future.status_code == 400 and "delivered_on" in future.json()["errors"]
    done = api.post(reverse("api:intervention-list"), {**body, "delivered_on": str(TODAY()), "amount": 150000})
    assert done.status_code == 201
    assert done.json()["status"] == "delivered" and done.json()["amount"] == 150000


def test_visits_and_referrals(api_token, cast):
    person = PersonFactory()
    household = person.household
    dinsos = api_token("Dinsos")
    visit = dinsos.post(
        reverse("api:visit-list"),
        {"household": household.pk, "visited_on": str(TODAY()), "purpose": "monitoring", "findings": "Baik"},
    )
    assert visit.status_code == 201, visit.content
    assert Visit.objects.get(pk=visit.json()["id"]).caseworker.api_token.opd == opd("Dinsos")
    _assessment, (referral,), _ = assessment_record(
        household=household, actor=cast["supervisor"], needs=[("no_work", person, "")]
    )
    assert referral.opd == opd("Disnaker")
    assert dinsos.post(reverse("api:referral-accept", args=[referral.pk])).status_code == 403
    disnaker = api_token("Disnaker")
    declined = disnaker.post(reverse("api:referral-decline", args=[referral.pk]), {"reason": ""})
    assert declined.status_code == 400 and "Alasan penolakan wajib diisi." in json.dumps(
        declined.json(), ensure_ascii=False
    )
    accepted = disnaker.post(reverse("api:referral-accept", args=[referral.pk]))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    fulfilled = disnaker.post(
        reverse("api:referral-fulfil", args=[referral.pk]), {"program": program.pk, "delivered_on": str(TODAY())}
    )
    assert fulfilled.status_code == 200, fulfilled.content
    assert Referral.objects.get(pk=referral.pk).status == "fulfilled"
    assert oracle.differences() == []


def test_a_member_added_and_corrected(api_token):
    household = PersonFactory(relation="kepala").household
    api = api_token("Dinsos")
    added = api.post(
        reverse("api:household-add-member", args=[household.pk]),
        {"full_name": "Anak Baru", "sex": "P", "birth_date": "2015-01-02", "relation": "anak"},
    )
    assert added.status_code == 201, added.content
    url = reverse("api:person-detail", args=[added.json()["id"]])
    corrected = api.patch(url, {"occupation": "Pelajar"}, **{"If-Match": added["ETag"]})
    assert corrected.status_code == 200 and corrected.json()["occupation"] == "Pelajar"
    assert Person.objects.get(pk=added.json()["id"]).full_name == "Anak Baru"  # untouched fields stay


def test_a_stale_answer_never_shows_an_identity_number(api_as, api_token):
    person = PersonFactory()
    url = reverse("api:person-detail", args=[person.pk])
    supervisor = api_as("supervisor")
    new_nik = person.nik[:-4] + ("0001" if person.nik[-4:] != "0001" else "0002")
    saved = supervisor.patch(url, {"nik": new_nik}, **{"If-Match": f'"{person.version}"'})
    assert saved.status_code == 200, saved.content
    stale = api_token("Dinsos").patch(url, {"occupation": "Nelayan"}, **{"If-Match": f'"{person.version}"'})
    assert stale.status_code == 409
    assert new_nik not in stale.content.decode() and new_nik[-4:] in stale.json()["detail"]


def test_an_unknown_field_is_refused_and_an_empty_change_changes_nothing(api_token):
    household = PersonFactory().household
    api = api_token("Dinsos")
    url = reverse("api:household-detail", args=[household.pk])
    refused = api.patch(url, {"status": "graduated"}, **{"If-Match": f'"{household.version}"'})
    assert refused.status_code == 400 and "status" in refused.json()["errors"]
    empty = api.patch(url, {}, **{"If-Match": f'"{household.version}"'})
    assert empty.status_code == 200 and empty["ETag"] == f'"{household.version}"'
    household.refresh_from_db()
    assert household.status == "extreme_poor" and f'"{household.version}"' == empty["ETag"]


def test_referral_work_through_the_api_is_logged_as_api(api_token, cast):
    person = PersonFactory()
    _assessment, (referral,), _ = assessment_record(
        household=person.household, actor=cast["supervisor"], needs=[("no_work", person, "")]
    )
    api = api_token("Disnaker")
    assert api.post(reverse("api:referral-accept", args=[referral.pk])).status_code == 200
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    url = reverse("api:referral-fulfil", args=[referral.pk])
    assert api.post(url, {"program": program.pk, "delivered_on": str(TODAY())}).status_code == 200
    sources = set(
        ChangeLog.objects.filter(case_id=person.household_id, actor__username__startswith="api-").values_list(
            "source", flat=True
        )
    )
    assert sources == {"api"}


def test_a_caseworkers_referral_list_is_their_opds_inbox_unless_a_household_is_asked(api_token, cast):
    person = PersonFactory()
    assessment_record(
        household=person.household,
        actor=cast["supervisor"],
        needs=[("no_work", person, ""), ("no_documents", person, "")],
    )
    api = api_token("Disnaker")
    listed = api.get(reverse("api:referral-list")).json()["results"]
    assert {each["opd"] for each in listed} == {opd("Disnaker").pk}
    of_household = api.get(reverse("api:referral-list") + f"?household={person.household_id}").json()["results"]
    assert len(of_household) == 2


def test_a_plan_without_a_date_is_planned_today_and_a_wrong_person_is_named_person(api_token):
    person = PersonFactory()
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    api = api_token("Disnaker")
    wrong = api.post(
        reverse("api:intervention-list"), {"household": person.household_id, "program": program.pk, "person": 987654}
    )
    assert wrong.status_code == 400 and "person" in wrong.json()["errors"]
    planned = api.post(
        reverse("api:intervention-list"), {"household": person.household_id, "program": program.pk, "person": person.pk}
    )
    assert planned.status_code == 201 and planned.json()["planned_on"] == str(TODAY())
