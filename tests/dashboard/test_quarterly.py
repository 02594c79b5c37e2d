"""The quarterly report (issue 15, item 6): for two quarters its numbers equal a recount from the raw rows and the
numbers worked out by hand; a quarter that has ended is frozen when first made; the workbook and the A4 page say
the same."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.casework import case_scope
from coordination.models import DtsenProposal, ReferralEvent
from coordination.services import assessment_record, dtsen_decide, dtsen_record_muskel, referral_decline
from dashboard import quarterly
from dashboard.models import QuarterlyReport
from dashboard.quarterly import Quarter
from dashboard.services import quarterly_report
from households.models import Household, HouseholdStatusChange, Person
from households.rankings import ranking_record
from households.services import household_change_status, household_register_proposed
from interventions.models import Intervention, Program
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory, kelurahan
from tests.pageforms import page_form
from tests.worker import run_worker

JAKARTA = ZoneInfo("Asia/Jakarta")
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)


def at(year, month, day, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def dated(household: Household, when: datetime.datetime, members_too: bool = False) -> None:
    """Put the household's latest status change (and, for a new one, its own and its members' recording) at
    `when`."""
    with case_scope():
        last = household.status_changes.order_by("-changed_at", "-id").first()
        HouseholdStatusChange.objects.filter(pk=last.pk).update(changed_at=when)
        if members_too:
            Household.objects.filter(pk=household.pk).update(created_at=when)
            Person.objects.filter(household=household).update(created_at=when)


@pytest.fixture
def city(cast):
    """Two kelurahan, five families, two quarters of history (worked out by hand in the tests)."""
    caseworker, supervisor = cast["dinsos_caseworker"], cast["supervisor"]
    kameloh, tundai = kelurahan("Kameloh Baru"), kelurahan("Danau Tundai")
    # A: extreme poor since March (2 persons); graduates on 5 May (Q2).
    a = HouseholdFactory(kelurahan=kameloh)
    a1 = PersonFactory(household=a)
    PersonFactory(household=a, relation="anak")
    dated(a, at(2026, 3, 10), members_too=True)
    with case_scope():
        household_change_status(household=a, status="graduated", reason="Graduasi disetujui", actor=supervisor)
    dated(a, at(2026, 5, 5))
    # B: registered in the app on 2 April (3 persons), approved on 10 June (enters in Q2), moves away on 1 August.
    with case_scope():
        b = household_register_proposed(
            actor=caseworker,
            members=[
                {"full_name": "Budi", "sex": "L", "relation": "kepala"},
                {"full_name": "Sari", "sex": "P", "relation": "pasangan"},
                {"full_name": "Dodi", "sex": "L", "relation": "anak"},
            ],
            kelurahan=kameloh,
            address="Jl. Mahir Mahar No. 5",
        )
    dated(b, at(2026, 4, 2), members_too=True)
    proposal = b.dtsen_proposals.get()
    DtsenProposal.objects.filter(pk=proposal.pk).update(proposed_at=at(2026, 4, 2))  # before its meeting
    with case_scope():
        dtsen_record_muskel(
            proposal=proposal,
            actor=caseworker,
            held_on=datetime.date(2026, 6, 8),
            minutes_number="BA-1",
            attendees=20,
            agreed=True,
        )
        dtsen_decide(proposal=proposal, actor=supervisor, approve=True, note="Sesuai")
    dated(b, at(2026, 6, 10))
    DtsenProposal.objects.filter(pk=proposal.pk).update(decided_at=at(2026, 6, 10))
    with case_scope():
        household_change_status(household=b, status="moved", reason="Pindah ke Katingan", actor=caseworker)
    dated(b, at(2026, 8, 1))
    # D: extreme poor since January with 2 persons; a third recorded on 15 August.
    d = HouseholdFactory(kelurahan=tundai)
    d1 = PersonFactory(household=d)
    PersonFactory(household=d, relation="anak")
    dated(d, at(2026, 1, 2), members_too=True)
    with case_scope():
        newborn = PersonFactory(household=d, relation="anak")
        Person.objects.filter(pk=newborn.pk).update(created_at=at(2026, 8, 15))
    # E: from a list at 23:30 on 30 September (Q3, by Jakarta time); F: at midnight on 1 October (Q4).
    e = HouseholdFactory(kelurahan=tundai)
    PersonFactory(household=e)
    dated(e, at(2026, 9, 30, 23, 30), members_too=True)
    f = HouseholdFactory(kelurahan=tundai)
    PersonFactory(household=f)
    dated(f, at(2026, 10, 1, 0, 0), members_too=True)
    # Deliveries: Disnaker in May (Rp 500.000), Dinsos in August (Rp 250.000), one in October, one only planned.
    training, food = Program.objects.get(name="Pelatihan kerja"), Program.objects.get(name="BPNT/Sembako")
    InterventionFactory(person=a1, status="delivered", delivered_on="2026-05-20", amount=500_000, program=training)
    InterventionFactory(person=d1, status="delivered", delivered_on="2026-08-10", amount=250_000, program=food)
    InterventionFactory(person=d1, status="delivered", delivered_on="2026-10-02", amount=99, program=training)
    InterventionFactory(person=d1, program=training)
    # A referral to Disnaker sent on 1 June (open at the end of Q2), declined on 15 July (not open after Q3).
    with case_scope():
        referral = assessment_record(household=d, actor=caseworker, needs=[("no_work", d1, "")])[1][0]
    ReferralEvent.objects.filter(referral=referral).update(at=at(2026, 6, 1))
    with case_scope():
        referral_decline(referral=referral, actor=cast["disnaker_caseworker"], reason="Bukan bidang kami")
    ReferralEvent.objects.filter(referral=referral, to_status="declined").update(at=at(2026, 7, 15))
    return {"kameloh": kameloh, "tundai": tundai}


def recount(quarter: Quarter) -> dict:
    """The report's place numbers counted again from the raw rows, household by household."""
    rows: dict[str, dict[str, int]] = {}

    def status_at(household, moment):
        before = [c for c in HouseholdStatusChange.objects.filter(household=household) if c.changed_at < moment]
        return max(before, key=lambda c: (c.changed_at, c.pk)).to_status if before else None

    for household in Household.objects.select_related("kelurahan"):
        row = rows.setdefault(household.kelurahan.name, dict.fromkeys(["hs", "ps", "in", "out", "he", "pe"], 0))
        for moment, households, persons in ((quarter.start, "hs", "ps"), (quarter.end, "he", "pe")):
            if status_at(household, moment) == "extreme_poor" and (
                household.archived_at is None or household.archived_at >= moment
            ):
                row[households] += 1
                # A member recorded with the household counts whenever it does; one added later, from then.
                row[persons] += sum(
                    1
                    for p in household.members.all()
                    if p.is_extreme_poor
                    and p.status == "active"
                    and (p.created_at < moment or p.created_at <= household.created_at + datetime.timedelta(days=1))
                )
        for change in household.status_changes.all():
            if quarter.start <= change.changed_at < quarter.end:
                if change.to_status == "extreme_poor" and change.from_status != "extreme_poor":
                    row["in"] += 1
                if change.from_status == "extreme_poor" and change.to_status != "extreme_poor":
                    row["out"] += 1
    return rows


def places(data) -> dict:
    return {
        row["kelurahan"]: {
            "hs": row["households_start"], "ps": row["persons_start"], "in": row["entered"], "out": row["left"],
            "he": row["households_end"], "pe": row["persons_end"],
        }
        for row in data["places"]
        if any(row[key] for key, _label in quarterly.PLACE_COLUMNS)
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        (
            Q2,
            {
                "Kameloh Baru": {"hs": 1, "ps": 2, "in": 1, "out": 1, "he": 1, "pe": 3},
                "Danau Tundai": {"hs": 1, "ps": 2, "in": 0, "out": 0, "he": 1, "pe": 2},
            },
        ),
        (
            Q3,
            {
                "Kameloh Baru": {"hs": 1, "ps": 3, "in": 0, "out": 1, "he": 0, "pe": 0},
                "Danau Tundai": {"hs": 1, "ps": 2, "in": 1, "out": 0, "he": 2, "pe": 4},
            },
        ),
    ],
    ids=["Q2", "Q3"],
)
def test_two_quarters_equal_the_raw_recount_and_the_hand_count(city, quarter, expected):
    data = quarterly.compute(quarter)
    assert places(data) == expected
    recounted = {name: row for name, row in recount(quarter).items() if any(row.values())}
    assert places(data) == recounted
    # The flows add up: start + entered - left - archived = end, in every kelurahan.
    for row in data["places"]:
        assert row["households_start"] + row["entered"] - row["left"] - row["archived"] == row["households_end"]


@pytest.mark.django_db
def test_deliveries_referrals_and_proposals_of_each_quarter(city):
    q2, q3 = quarterly.compute(Q2), quarterly.compute(Q3)
    assert q2["deliveries"] == [["Disnaker", "Pelatihan kerja", 1, 1, 0, 500_000]]
    assert q3["deliveries"] == [["Dinsos", "BPNT/Sembako", 1, 1, 0, 250_000]]
    delivered = Intervention.objects.filter(status="delivered", delivered_on__range=(Q3.first_day, Q3.last_day))
    assert sum(i.amount for i in delivered) == sum(row[5] for row in q3["deliveries"])
    assert (q2["open_referrals"], q3["open_referrals"]) == ([["Disnaker", 1]], [])
    # B's proposal: sent on 2 April and approved on 10 June, both in Q2.
    assert q2["proposals"] == [["new", 1, 1, 0], ["change", 0, 0, 0], ["removal", 0, 0, 0]]
    assert q3["proposals"] == [["new", 0, 0, 0], ["change", 0, 0, 0], ["removal", 0, 0, 0]]
    entered = [m for m in q2["movements"] if m[4] == "extreme_poor"]
    assert [(m[0], m[3], m[5]) for m in entered] == [("10/06/2026", "proposed", entered[0][5])]
    assert "BA-1" in entered[0][5]  # the reason names the berita acara of the approval


@pytest.mark.django_db
def test_a_quarter_that_has_ended_is_frozen_when_first_made(city, cast):
    first = quarterly_report(quarter=Q2, actor=cast["supervisor"])
    assert first.final
    # A correction made later moves A's graduation into July: the frozen Q2 report keeps its numbers.
    a = Household.objects.get(status="graduated")
    with case_scope():
        HouseholdStatusChange.objects.filter(household=a, to_status="graduated").update(changed_at=at(2026, 7, 2))
    assert places(quarterly.compute(Q2)) != places(first.data)  # computing again would now differ ...
    again = quarterly_report(quarter=Q2, actor=cast["supervisor"])
    assert again.pk == first.pk and again.data == first.data  # ... but the report of Q2 stays as it was made
    # The current quarter is provisional: made afresh each time.
    today = Quarter.of(datetime.date.today())
    assert not quarterly_report(quarter=today).final
    assert QuarterlyReport.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supervisor_makes_the_report_on_the_queue_and_the_workbook_and_a4_page_agree(client_as, city):
    client = client_as("supervisor")
    page = client.get(reverse("dashboard:quarterly")).content.decode()
    assert "Triwulan III 2026" in page
    response = client.post(reverse("dashboard:quarterly_make", args=[2026, 3]))
    assert response.status_code == 302
    run_worker()
    job_page = client.get(response.url).content.decode()
    assert "dibekukan" in job_page and reverse("dashboard:quarterly_print", args=[2026, 3]) in job_page
    download = client.get(reverse("jobs:download", args=[int(response.url.rstrip("/").split("/")[-1])]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    by_place = list(workbook["Per kelurahan"].iter_rows(values_only=True))
    tundai = next(row for row in by_place if row[1] == "Danau Tundai")
    assert tundai[2:] == (1, 2, 1, 0, 0, 2, 4)
    assert list(workbook["Intervensi tersalurkan"].iter_rows(values_only=True))[1] == (
        "Dinsos", "BPNT/Sembako", 1, 1, 0, 250_000
    )  # fmt: skip
    print_page = client.get(reverse("dashboard:quarterly_print", args=[2026, 3])).content.decode()
    assert 'data-testid="total-households_end">2<' in print_page
    assert 'data-testid="total-persons_end">4<' in print_page
    assert "Triwulan III 2026" in print_page and "dibekukan" in print_page


@pytest.mark.django_db
def test_quarters_not_begun_or_made_answer_404(client_as):
    client = client_as("supervisor")
    next_year = datetime.date.today().year + 1
    assert client.post(reverse("dashboard:quarterly_make", args=[next_year, 1])).status_code == 404
    assert client.post(reverse("dashboard:quarterly_make", args=[2026, 5])).status_code == 404
    assert client.get(reverse("dashboard:quarterly_print", args=[2025, 1])).status_code == 404  # never made


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", [Q2, Q3], ids=["Q2", "Q3"])
def test_the_official_count_on_a_day_is_the_quarter_end_count(city, quarter):
    on_day = quarterly.official_at(quarter.last_day)
    report = quarterly.compute(quarter)
    assert {r["kelurahan"]: (r["households"], r["persons"]) for r in on_day["places"]} == {
        r["kelurahan"]: (r["households_end"], r["persons_end"]) for r in report["places"] if r["households_end"]
    }
    assert on_day["persons"] == quarterly.totals(report)["persons_end"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_official_count_beside_a_dtsen_list_from_the_quarterly_page(client_as, city, cast):
    tundai_families = Household.objects.filter(kelurahan=city["tundai"]).order_by("id")
    with case_scope():
        for household, desil in zip(tundai_families, (1, 1, 4), strict=True):  # D, E: desil 1; F: desil 4
            ranking_record(household=household, source="dtsen", as_of=datetime.date(2026, 10, 1), desil=desil,
                           actor=cast["supervisor"])  # fmt: skip
    client = client_as("supervisor")
    form = page_form(client.get(reverse("dashboard:quarterly")), containing="as_of")
    form["day"], form["source"], form["as_of"] = "2026-09-30", "dtsen", "2026-10-01"
    response = form.submit(client)
    run_worker()
    page = client.get(response.url).content.decode()
    assert "Angka resmi pada akhir 30/09/2026: 4 jiwa miskin ekstrem dalam 2 rumah tangga" in page
    # D and E are desil 1 and officially extreme poor; nobody official is outside desil 1 of that list.
    assert "2 rumah tangga desil 1; 2 di antaranya miskin ekstrem resmi pada 30/09/2026, 0 rumah tangga" in page


@pytest.mark.django_db
def test_a_family_loaded_with_its_history_counts_its_members_on_past_dates():
    """A list loaded late, or the demo: the household, its members and its backdated status history are recorded
    together today; on a past date its members count (they were zero before: found by a new user's trial)."""
    household = HouseholdFactory()
    PersonFactory(household=household)
    PersonFactory(household=household, relation="anak")
    dated(household, at(2026, 3, 10))  # the status history says since March; the rows were recorded today
    assert quarterly.official_at(datetime.date(2026, 6, 30))["persons"] == 2
    assert quarterly.totals(quarterly.compute(Q2))["persons_start"] == 2
    with case_scope():
        later = PersonFactory(household=household, relation="anak")  # recorded days after the household
        Household.objects.filter(pk=household.pk).update(created_at=at(2026, 3, 10))
        Person.objects.filter(household=household).exclude(pk=later.pk).update(created_at=at(2026, 3, 10))
    assert quarterly.official_at(datetime.date(2026, 6, 30))["persons"] == 2  # not yet recorded then
    assert quarterly.official_at(timezone.localdate())["persons"] == 3


@pytest.mark.django_db
def test_the_quarterly_page_reads_a_fixed_number_of_queries(client_as, city, cast, django_assert_max_num_queries):
    client = client_as("supervisor")
    client.get(reverse("dashboard:quarterly"))
    with django_assert_max_num_queries(6):
        client.get(reverse("dashboard:quarterly"))
    for quarter in (Q2, Q3):
        quarterly_report(quarter=quarter, actor=cast["supervisor"])
    with django_assert_max_num_queries(6):
        page = client.get(reverse("dashboard:quarterly")).content.decode()
    assert page.count("Lihat cetak A4") == 2


@pytest.mark.django_db
def test_a_future_day_for_the_official_count_is_refused_on_its_field_kept_as_typed_and_nothing_is_computed(client_as):
    from jobs.models import Job

    client = client_as("supervisor")
    form = page_form(client.get(reverse("dashboard:quarterly")), containing="day")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    form["day"] = tomorrow
    response = form.submit(client)
    assert response.status_code == 200  # the same page again, not a redirect to it with today filled in
    assert response.context["form"].errors["day"] == [
        "Tanggal ini tidak boleh di masa depan; isi tanggal hari ini atau sebelumnya."
    ]
    assert 'id="error_1_id_day"' in response.text  # shown under the date field
    assert not list(response.context["messages"])  # not in the box at the top of the page
    assert page_form(response, containing="day")["day"] == tomorrow  # what was typed is kept
    assert not Job.objects.exists()  # nothing computed
