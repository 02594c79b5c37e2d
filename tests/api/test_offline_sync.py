"""Offline work (issue 17), the server's side: the caseload a phone carries to the field, the needs assessment sent
from it, and the provenance of what it sends (recorded offline at, sent at) in the change log and on the case
file. The phone sends its queue through the same endpoints as any caller: applied exactly once (its Idempotency-Key),
refused with a reason on a stale base version or another OPD's programme, and nothing stored from a refusal."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api.http import offline_source
from audit.models import AccessLog, ChangeLog
from coordination.models import Assessment, Referral
from coordination.services import assessment_record, referral_assign
from households.models import Household, Visit
from households.services import household_archive
from interventions.models import Intervention
from interventions.services import intervention_transition
from tests import oracle
from tests.factories import InterventionFactory, PersonFactory, ProgramFactory, VisitFactory, kelurahan, opd

pytestmark = pytest.mark.django_db

CASELOAD = reverse("api:offline-caseload")
ASSESSMENTS = reverse("api:assessment-list")
VISITS = reverse("api:visit-list")
INTERVENTIONS = reverse("api:intervention-list")
OFFLINE = "X-Recorded-Offline-At"
TODAY = timezone.localdate
WIB = datetime.timezone(datetime.timedelta(hours=7))


def _family(**household):
    """A head (born 1985) and a child (born 2016) in Kameloh Baru unless told otherwise."""
    head = PersonFactory(**({"household__" + k: v for k, v in household.items()}))
    child = PersonFactory(
        household=head.household, relation="anak", full_name="Anak Uji", birth_date=datetime.date(2016, 5, 1)
    )
    return head.household, head, child


def _archived(cast):
    """A household that moved away, archived by a supervisor."""
    household = PersonFactory(household__status=Household.Status.MOVED).household
    household_archive(household=household, actor=cast["supervisor"], reason="Pindah ke luar kota")
    return household


def _caseload(api, query):
    response = api.get(f"{CASELOAD}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _entry(body, household):
    return next(h for h in body["households"] if h["id"] == household.pk)


# The caseload ---------------------------------------------------------------------------------------------------


def test_the_caseload_carries_what_a_visit_needs_with_numbers_masked(api_as, cast):
    household, head, child = _family()
    assessment_record(household=household, actor=cast["dinsos_caseworker"], needs=[("no_work", head, "")])
    for day in (1, 2, 3, 4):
        VisitFactory(household=household, caseworker=cast["dinsos_caseworker"], visited_on=datetime.date(2024, 3, day))
    ours = InterventionFactory(person=head, program__opd=opd("Disnaker"), program__name="Pelatihan kerja uji")
    InterventionFactory(person=head, program__opd=opd("Dinsos"))  # another OPD's: not the Disnaker phone's
    InterventionFactory(person=child, program__opd=opd("Disnaker"), status="delivered", delivered_on="2024-03-02")
    ProgramFactory(opd=opd("Disnaker"), name="Program lama", is_active=False)
    archived = _archived(cast)

    api = api_as("disnaker_caseworker")
    response = api.get(f"{CASELOAD}?kelurahan={kelurahan('Kameloh Baru').pk}")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()

    assert set(body) == {
        "generated_at",
        "expires_at",
        "keep_days",
        "user",
        "purposes",
        "needs",
        "need_scopes",
        "programs",
        "households",
    }
    generated = datetime.datetime.fromisoformat(body["generated_at"])
    assert datetime.datetime.fromisoformat(body["expires_at"]) - generated == datetime.timedelta(days=7)
    assert body["keep_days"] == 7
    assert body["user"] == {
        "id": cast["disnaker_caseworker"].pk,
        "name": str(cast["disnaker_caseworker"]),
        "opd": "Disnaker",
    }
    assert ["monitoring", "Pemantauan"] in body["purposes"]
    assert ["no_work", "Usia kerja tanpa pekerjaan/penghasilan"] in body["needs"]
    assert body["need_scopes"]["no_work"] == {
        "household": False,
        "min_age": 15,
        "max_age": 64,
        "who": "usia kerja 15–64 tahun",
    }
    assert body["need_scopes"]["no_toilet"]["household"] is True
    assert {p["opd"] for p in body["programs"]} == {"Disnaker"}
    assert "Program lama" not in {p["name"] for p in body["programs"]}
    assert {"id", "name", "target", "opd"} == set(body["programs"][0])
    assert archived.pk not in {h["id"] for h in body["households"]}

    entry = _entry(body, household)
    household.refresh_from_db()
    assert entry["version"] == household.version
    assert entry["kelurahan"] == "Kameloh Baru"
    assert entry["no_kk"] == household.no_kk[:4] + "••••••••" + household.no_kk[-4:]
    assert entry["status"] == "extreme_poor" and entry["status_label"] == "Miskin ekstrem"
    assert entry["head_name"] == head.full_name
    assert [m["id"] for m in entry["members"]] == [head.pk, child.pk]
    member = entry["members"][0]
    assert set(member) == {"id", "version", "full_name", "nik", "sex", "birth_date", "relation", "relation_label"}
    assert member["nik"] == head.nik[:4] + "••••••••" + head.nik[-4:]
    assert head.nik not in response.content.decode()
    assert household.no_kk not in response.content.decode()
    assert member["birth_date"] == "1985-03-12" and member["relation_label"] == "Kepala keluarga"

    (referral,) = entry["open_referrals"]
    assert referral["need"] == "no_work" and referral["person"] == head.pk and referral["opd"] == "Disnaker"
    assert referral["status"] == "sent" and referral["need_label"] == "Usia kerja tanpa pekerjaan/penghasilan"
    assert [v["visited_on"] for v in entry["last_visits"]] == ["2024-03-04", "2024-03-03", "2024-03-02"]
    assert entry["last_visits"][0]["purpose_label"] == "Pemantauan"
    assert entry["last_visits"][0]["caseworker"] == str(cast["dinsos_caseworker"])
    (carried,) = entry["interventions"]
    assert carried == {
        "id": ours.pk,
        "version": ours.version,
        "program": ours.program_id,
        "program_name": "Pelatihan kerja uji",
        "person": head.pk,
        "status": "planned",
        "planned_on": "2024-02-01",
    }

    # Carried off as a list (one export row), not as revealed numbers.
    exported = AccessLog.objects.get()
    assert exported.kind == AccessLog.Kind.EXPORT and exported.actor == cast["disnaker_caseworker"]
    assert exported.detail["list"] == "offline_caseload" and exported.detail["rows"] == len(body["households"])
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.REVEAL).exists()


def test_a_supervisor_carries_every_opds_open_interventions(api_as):
    household, head, _child = _family()
    InterventionFactory(person=head, program__opd=opd("Disnaker"))
    InterventionFactory(person=head, program__opd=opd("Dinsos"))
    body = _caseload(api_as("supervisor"), f"kelurahan={household.kelurahan_id}")
    assert len(_entry(body, household)["interventions"]) == 2
    assert {p["opd"] for p in body["programs"]} >= {"Dinsos", "Disnaker"}


def test_my_cases_are_those_i_visited_follow_up_am_assigned_or_my_opd_serves(api_as, cast):
    me, other = cast["disnaker_caseworker"], cast["dinsos_caseworker"]
    visited = PersonFactory().household
    VisitFactory(household=visited, caseworker=me, visited_on=TODAY() - datetime.timedelta(days=20))
    long_ago = PersonFactory().household
    VisitFactory(household=long_ago, caseworker=me, visited_on=TODAY() - datetime.timedelta(days=120))
    follow_up = PersonFactory().household
    VisitFactory(
        household=follow_up,
        caseworker=me,
        visited_on=TODAY() - datetime.timedelta(days=120),
        next_follow_up_on=TODAY() + datetime.timedelta(days=3),
    )
    someone_elses = PersonFactory().household
    VisitFactory(household=someone_elses, caseworker=other, visited_on=TODAY() - datetime.timedelta(days=5))
    served = PersonFactory()
    InterventionFactory(person=served, program__opd=opd("Disnaker"))
    InterventionFactory(person=PersonFactory(), program__opd=opd("Dinsos"))  # another OPD's
    assigned = PersonFactory()
    _a, (referral,), _s = assessment_record(
        household=assigned.household, actor=other, needs=[("no_work", assigned, "")]
    )
    referral_assign(referral=referral, actor=cast["supervisor"], assignee=me)
    untouched = PersonFactory().household

    body = _caseload(api_as("disnaker_caseworker"), "mine=1")
    carried = {h["id"] for h in body["households"]}
    assert carried == {visited.pk, follow_up.pk, served.household_id, assigned.household_id}
    assert not {long_ago.pk, someone_elses.pk, untouched.pk} & carried

    elsewhere = PersonFactory(household__kelurahan=kelurahan("Menteng")).household
    VisitFactory(household=elsewhere, caseworker=me, visited_on=TODAY())
    narrowed = _caseload(api_as("disnaker_caseworker"), f"mine=1&kelurahan={elsewhere.kelurahan_id}")
    assert [h["id"] for h in narrowed["households"]] == [elsewhere.pk]


def test_more_households_than_a_phone_carries_is_refused_with_what_to_do(api_as, settings):
    settings.OFFLINE_MAX_HOUSEHOLDS = 2
    households = [PersonFactory().household for _ in range(3)]
    api = api_as("dinsos_caseworker")
    refused = api.get(f"{CASELOAD}?kelurahan={households[0].kelurahan_id}")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "Terlalu banyak rumah tangga" in refused.json()["detail"]
    assert "Pilih kelurahan" in refused.json()["detail"]
    assert not AccessLog.objects.exists()  # nothing was carried off
    settings.OFFLINE_MAX_HOUSEHOLDS = 3
    assert len(_caseload(api, f"kelurahan={households[0].kelurahan_id}")["households"]) == 3


def test_the_caseload_asks_what_to_carry_and_refuses_admins(api_as):
    api = api_as("dinsos_caseworker")
    empty = api.get(CASELOAD)
    assert empty.status_code == 400 and "Pilih kelurahan" in json.dumps(empty.json(), ensure_ascii=False)
    unknown = api.get(f"{CASELOAD}?kelurahan=987654")
    assert unknown.status_code == 400 and unknown.json()["errors"] == {"kelurahan": ["Kelurahan tidak ditemukan."]}
    assert api.get(f"{CASELOAD}?mine=perhaps").status_code == 400
    admin = api_as("admin").get(f"{CASELOAD}?mine=1")
    assert admin.status_code == 403
    assert "petugas dan supervisor" in admin.json()["detail"]


def _count(api, url):
    api.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return len(captured), len(response.json()["households"])


def _busy_household(cast):
    household, head, child = _family()
    assessment_record(household=household, actor=cast["supervisor"], needs=[("no_work", head, "")])
    VisitFactory(household=household, caseworker=cast["disnaker_caseworker"], visited_on=TODAY())
    VisitFactory(household=household, caseworker=cast["dinsos_caseworker"], visited_on=TODAY())
    InterventionFactory(person=head, program__opd=opd("Disnaker"))
    InterventionFactory(person=child, program__opd=opd("Disnaker"))


# The session and the account, the request's savepoint and its release, the kelurahan asked for, the households,
# their active members, open referrals, last visits and open interventions, the programmes, the export row.
CASELOAD_QUERIES = 12


def test_the_caseload_is_read_in_a_fixed_number_of_queries(api_as, cast):
    api = api_as("disnaker_caseworker")
    url = f"{CASELOAD}?kelurahan={kelurahan('Kameloh Baru').pk}"
    for _ in range(2):
        _busy_household(cast)
    few, two = _count(api, url)
    for _ in range(15):
        _busy_household(cast)
    many, seventeen = _count(api, url)
    assert (two, seventeen) == (2, 17)
    assert few == many == CASELOAD_QUERIES
    mine, _n = _count(api, f"{CASELOAD}?mine=1")
    assert mine == CASELOAD_QUERIES - 1  # no kelurahan to look up


# The needs assessment -------------------------------------------------------------------------------------------


def _assessment(household, *needs, on=None):
    return {
        "household": household.pk,
        "assessed_on": str(on or TODAY()),
        "needs": [
            {"need": need, "person": person.pk if person else None, "note": note} for need, person, note in needs
        ],
    }


def test_an_assessment_sent_twice_is_recorded_once(api_as):
    household, head, child = _family()
    api = api_as("dinsos_caseworker")
    body = _assessment(
        household, ("no_work", head, "Buruh lepas"), ("child_out_of_school", child, ""), ("no_toilet", None, "")
    )
    first = api.post(ASSESSMENTS, body, **{"Idempotency-Key": "a2b9e7c4-0001"})
    assert first.status_code == 201, first.content
    answer = first.json()
    assert len(answer["referrals"]) == 3 and answer["skipped"] == []
    assert answer["household"] == household.pk and answer["assessed_on"] == str(TODAY())
    assert Referral.objects.get(need="no_work", household=household).note == "Buruh lepas"

    again = api.post(ASSESSMENTS, body, **{"Idempotency-Key": "a2b9e7c4-0001"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == answer
    assert Assessment.objects.filter(household=household).count() == 1
    assert Referral.objects.filter(household=household).count() == 3

    # A new key: a second assessment, whose needs already have open referrals, so none is sent again.
    second = api.post(ASSESSMENTS, _assessment(household, ("no_work", head, "")), **{"Idempotency-Key": "other"})
    assert second.status_code == 201
    assert second.json()["referrals"] == []
    assert second.json()["skipped"] == [
        {"need": "no_work", "need_label": "Usia kerja tanpa pekerjaan/penghasilan", "person": head.pk}
    ]
    assert Referral.objects.filter(household=household).count() == 3
    # Even then the assessment is in the case history.
    assert ChangeLog.objects.filter(case_id=household.pk, object_repr__startswith="Asesmen").count() == 2
    assert oracle.differences() == []


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"need": "no_money"}, "needs[0].need", "Kebutuhan tidak dikenal."),
        ({"need": "no_work", "person": "child"}, "needs[0].need", "tidak berlaku untuk Anak Uji"),
        ({"need": "no_work"}, "needs[0].need", "dicatat untuk anggota, bukan untuk rumah tangga"),
        ({"need": "no_toilet", "person": "head"}, "needs[0].need", "dicatat untuk rumah tangga, bukan untuk anggota"),
        ({"need": "no_work", "person": "stranger"}, "needs[0].person", "bukan bagian dari rumah tangga ini"),
        ({"need": "no_work", "person": 987654}, "needs[0].person", "bukan bagian dari rumah tangga ini"),
    ],
)
def test_a_need_the_checklist_would_not_offer_is_refused_and_nothing_stored(api_as, entry, field, message):
    household, head, child = _family()
    stranger = PersonFactory()
    people = {"head": head.pk, "child": child.pk, "stranger": stranger.pk}
    if "person" in entry:
        entry = {**entry, "person": people.get(entry["person"], entry["person"])}
    body = {"household": household.pk, "assessed_on": str(TODAY()), "needs": [entry]}
    response = api_as("dinsos_caseworker").post(ASSESSMENTS, body, **{"Idempotency-Key": "refused-1"})
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["errors"][field])
    assert not Assessment.objects.exists()
    assert not Referral.objects.exists()


def test_the_assessment_checks_its_date_its_household_and_a_need_named_twice(api_as, cast):
    household, head, _child = _family()
    api = api_as("dinsos_caseworker")
    future = api.post(ASSESSMENTS, _assessment(household, ("no_work", head, ""), on=TODAY() + datetime.timedelta(3)))
    assert future.status_code == 400 and "assessed_on" in future.json()["errors"]
    twice = api.post(ASSESSMENTS, _assessment(household, ("no_work", head, ""), ("no_work", head, "lagi")))
    assert twice.status_code == 400 and "needs[1]" in twice.json()["errors"]
    nothing = api.post(ASSESSMENTS, _assessment(household))
    assert nothing.status_code == 400 and "Centang paling sedikit satu" in json.dumps(
        nothing.json(), ensure_ascii=False
    )
    assert (
        api.post(ASSESSMENTS, {**_assessment(household, ("no_work", head, "")), "household": 987654}).status_code == 404
    )
    archived = _archived(cast)
    member = archived.members.get()
    refused = api.post(ASSESSMENTS, _assessment(archived, ("no_work", member, "")))
    assert refused.status_code == 403 and "diarsipkan" in refused.json()["detail"]
    assert not Assessment.objects.exists()


# Provenance: recorded offline at, sent at ---------------------------------------------------------------------------


def test_the_provenance_text_names_both_moments_in_the_citys_time():
    recorded = datetime.datetime(2026, 11, 29, 3, 2, tzinfo=datetime.UTC)  # 10:02 in Palangka Raya
    sent = datetime.datetime(2026, 11, 29, 14, 31, tzinfo=WIB)
    text = offline_source(recorded, sent)
    assert text == "offline · dicatat 29/11/2026 10:02 · dikirim 29/11/2026 14:31"
    assert len(text) <= 100


def _offline_at(hours_ago=3.0):
    return (timezone.now() - datetime.timedelta(hours=hours_ago)).astimezone(WIB).isoformat(timespec="seconds")


def _sources(household):
    return set(ChangeLog.objects.filter(case_id=household.pk).values_list("source", flat=True))


def test_what_the_phone_recorded_offline_says_so_in_the_history_and_on_the_case_file(api_as, client_as):
    household, head, _child = _family()
    before = _sources(household)
    recorded_at = _offline_at()
    recorded_text = datetime.datetime.fromisoformat(recorded_at).strftime("%d/%m/%Y %H:%M")
    api = api_as("dinsos_caseworker")
    visit = api.post(
        VISITS,
        {"household": household.pk, "visited_on": str(TODAY()), "purpose": "monitoring", "findings": "Atap bocor"},
        **{"Idempotency-Key": "v-1", OFFLINE: recorded_at},
    )
    assert visit.status_code == 201, visit.content
    assessment = api.post(
        ASSESSMENTS, _assessment(household, ("no_work", head, "")), **{"Idempotency-Key": "a-1", OFFLINE: recorded_at}
    )
    assert assessment.status_code == 201, assessment.content

    added = _sources(household) - before
    (source,) = added
    assert re.fullmatch(rf"offline · dicatat {re.escape(recorded_text)} · dikirim \d\d/\d\d/\d{{4}} \d\d:\d\d", source)
    sent_text = source.rpartition("dikirim ")[2]
    assert abs(datetime.datetime.strptime(sent_text, "%d/%m/%Y %H:%M").replace(tzinfo=WIB) - timezone.now()) < (
        datetime.timedelta(minutes=2)
    )
    # The visit, the assessment and its referral all carry it.
    logged = ChangeLog.objects.filter(case_id=household.pk, source=source)
    assert {entry.content_type.model for entry in logged} == {"visit", "assessment", "referral"}
    # An online write through the API stays "api".
    api.post(VISITS, {"household": household.pk, "visited_on": str(TODAY()), "purpose": "other"})
    assert "api" in _sources(household)

    page = client_as("supervisor").get(reverse("cases:detail", args=[household.pk]))
    assert source in page.content.decode()  # the history
    # ... and on the visit itself, not only in the folded history.
    visit_item = page.content.decode().split(f'data-testid="visit-{visit.json()["id"]}"')[1].split("</li>")[0]
    assert "Dicatat di lapangan tanpa sinyal: " + source.removeprefix("offline · ") in visit_item


def test_referrals_and_interventions_moved_offline_carry_the_provenance_too(api_as, cast):
    household, head, _child = _family()
    _a, (referral,), _s = assessment_record(
        household=household, actor=cast["supervisor"], needs=[("no_work", head, "")]
    )
    planned = InterventionFactory(person=head, program__opd=opd("Disnaker"))
    api = api_as("disnaker_caseworker")
    at = _offline_at(1)
    assert api.post(reverse("api:referral-accept", args=[referral.pk]), **{OFFLINE: at}).status_code == 200
    moved = api.post(
        reverse("api:intervention-transition", args=[planned.pk]),
        {"status": "delivered", "delivered_on": str(TODAY())},
        **{"If-Match": f'"{planned.version}"', OFFLINE: at},
    )
    assert moved.status_code == 200, moved.content
    offline = ChangeLog.objects.filter(case_id=household.pk, source__startswith="offline · dicatat")
    assert {entry.content_type.model for entry in offline} == {"referral", "intervention"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-29 10:02", "zona waktu"),  # no offset: whose 10:02?
        ("2026-11-29", "zona waktu"),
        ("kemarin sore", "zona waktu"),
        ("9" * 80, "zona waktu"),
        ("future", "masa depan"),
        ("old", "lebih dari 30 hari"),
    ],
)
def test_a_wrong_offline_time_is_refused_and_nothing_stored(api_as, value, message):
    household, _head, _child = _family()
    moments = {
        "future": timezone.now() + datetime.timedelta(hours=2),
        "old": timezone.now() - datetime.timedelta(days=31),
    }
    if value in moments:
        value = moments[value].astimezone(WIB).isoformat()
    response = api_as("dinsos_caseworker").post(
        VISITS,
        {"household": household.pk, "visited_on": str(TODAY()), "purpose": "monitoring"},
        **{OFFLINE: value, "Idempotency-Key": "bad-time"},
    )
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["errors"][OFFLINE])
    assert not Visit.objects.filter(household=household).exists()
    # Corrected, the same key is free to use.
    corrected = api_as("dinsos_caseworker").post(
        VISITS,
        {"household": household.pk, "visited_on": str(TODAY()), "purpose": "monitoring"},
        **{OFFLINE: _offline_at(), "Idempotency-Key": "bad-time"},
    )
    assert corrected.status_code == 201


def test_a_phone_clock_a_little_ahead_is_accepted(api_as):
    household, _head, _child = _family()
    ahead = (timezone.now() + datetime.timedelta(minutes=2)).astimezone(WIB).isoformat()
    response = api_as("dinsos_caseworker").post(
        VISITS, {"household": household.pk, "visited_on": str(TODAY()), "purpose": "monitoring"}, **{OFFLINE: ahead}
    )
    assert response.status_code == 201


# The queue sent in order: exactly once, conflicts and refusals kept --------------------------------------------------


def test_a_visit_then_an_assessment_sent_in_order_both_land_once_even_when_the_sync_repeats(api_as):
    household, head, _child = _family()
    api = api_as("dinsos_caseworker")
    queue = [
        (VISITS, {"household": household.pk, "visited_on": str(TODAY()), "purpose": "assessment"}, "q-visit"),
        (ASSESSMENTS, _assessment(household, ("no_work", head, "")), "q-assessment"),
    ]
    for _sync in range(2):  # the answer of the first sync was lost: the phone sends its queue again
        answers = [api.post(url, body, **{"Idempotency-Key": key, OFFLINE: _offline_at(2)}) for url, body, key in queue]
        assert [a.status_code for a in answers] == [201, 201]
    assert Visit.objects.filter(household=household).count() == 1
    assert Assessment.objects.filter(household=household).count() == 1
    household.refresh_from_db()
    assert household.last_visit_on == TODAY()  # the registry's summary follows, like any write
    assert oracle.differences() == []


def test_a_delivery_from_an_old_version_is_a_conflict_and_changes_nothing(api_as, cast):
    household, head, _child = _family()
    planned = InterventionFactory(person=head, program__opd=opd("Disnaker"))
    base = f'"{planned.version}"'  # what the phone carried
    # While the phone is offline, a supervisor moves the same intervention on.
    intervention_transition(
        intervention=planned, status="in_progress", actor=cast["supervisor"], expected_version=planned.version
    )
    url = reverse("api:intervention-transition", args=[planned.pk])
    api = api_as("disnaker_caseworker")
    body = {"status": "delivered", "delivered_on": str(TODAY())}
    conflict = api.post(url, body, **{"If-Match": base, "Idempotency-Key": "deliver-1", OFFLINE: _offline_at()})
    assert conflict.status_code == 409
    current = Intervention.objects.get(pk=planned.pk)
    assert conflict.json()["current_version"] == current.version
    assert current.status == "in_progress" and current.delivered_on is None
    assert "Perubahan Anda belum disimpan" in conflict.json()["detail"]
    # Resolved on the phone ("kirim ulang dengan versi terbaru"): sent again from the current version.
    applied = api.post(
        url, body, **{"If-Match": f'"{current.version}"', "Idempotency-Key": "deliver-1", OFFLINE: _offline_at()}
    )
    assert applied.status_code == 200 and applied.json()["status"] == "delivered"
    # Both changes are in the history, each with its author.
    changes = ChangeLog.objects.filter(content_type__model="intervention", object_id=planned.pk, action="update")
    assert {entry.actor for entry in changes} == {cast["supervisor"], cast["disnaker_caseworker"]}


def test_a_delivery_of_another_opds_programme_is_refused_and_nothing_stored(api_as):
    household, head, _child = _family()
    disnaker = ProgramFactory(opd=opd("Disnaker"), target="person")
    response = api_as("dinsos_caseworker").post(
        INTERVENTIONS,
        {"household": household.pk, "program": disnaker.pk, "person": head.pk, "delivered_on": str(TODAY())},
        **{"Idempotency-Key": "deliver-other", OFFLINE: _offline_at()},
    )
    assert response.status_code == 403
    assert "milik OPD lain" in response.json()["detail"]
    assert not Intervention.objects.filter(program=disnaker).exists()


def test_a_delivery_recorded_offline_in_one_step(api_as):
    household, head, _child = _family()
    program = ProgramFactory(opd=opd("Disnaker"), target="person")
    api = api_as("disnaker_caseworker")
    body = {"household": household.pk, "program": program.pk, "person": head.pk, "delivered_on": str(TODAY())}
    first = api.post(INTERVENTIONS, body, **{"Idempotency-Key": "deliver-2", OFFLINE: _offline_at()})
    again = api.post(INTERVENTIONS, body, **{"Idempotency-Key": "deliver-2", OFFLINE: _offline_at()})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and first.json()["status"] == "delivered"
    assert Intervention.objects.filter(program=program).count() == 1


def test_a_body_too_large_or_malformed_is_refused_and_nothing_stored(api_as, settings):
    household, head, _child = _family()
    api = api_as("dinsos_caseworker")
    malformed = api.post(ASSESSMENTS, '{"household": ' + str(household.pk) + ', "needs": [', **{OFFLINE: _offline_at()})
    assert malformed.status_code == 400 and "bukan JSON yang valid" in malformed.json()["detail"]
    not_a_list = api.post(ASSESSMENTS, {**_assessment(household), "needs": "no_work"})
    assert not_a_list.status_code == 400
    many = _assessment(household, *[("no_work", head, "")] * 201)
    assert api.post(ASSESSMENTS, many).status_code == 400
    long_note = api.post(ASSESSMENTS, _assessment(household, ("no_work", head, "x" * 301)))
    assert long_note.status_code == 400 and "needs[0].note" in long_note.json()["errors"]
    settings.API_MAX_BODY_BYTES = 200
    large = api.post(ASSESSMENTS, _assessment(household, ("no_work", head, "x" * 250)))
    assert large.status_code == 413
    assert not Assessment.objects.exists() and not Referral.objects.exists()
