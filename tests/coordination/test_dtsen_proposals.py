"""DTSEN proposals (issue 15, items 1 and 4): a family registered in the browser waits as a proposal outside the
official count; only a Muskel that agreed and a supervisor's approval bring it in; every step is in the case
history; approved proposals export as the SIKS-NG workbook and print as the berita acara."""

import datetime
import html
import io
import re
import zoneinfo
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from audit.casework import case_scope
from audit.models import AccessLog, ChangeLog
from coordination.models import DtsenProposal
from coordination.services import (
    dtsen_decide,
    dtsen_mark_entered,
    dtsen_propose,
    dtsen_record_muskel,
    dtsen_record_muskel_many,
    dtsen_unmark_entered,
)
from coordination.siks_ng import COLUMNS, WIDTHS
from core.errors import DomainError
from dashboard import derived
from households.models import Household
from households.rules import household_statuses_for
from households.services import household_change_status
from tests import oracle
from tests.factories import HouseholdFactory, PersonFactory, kelurahan
from tests.households.test_views import member, registration
from tests.pageforms import page_form, page_forms

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def entered_on(proposal: DtsenProposal, moment: datetime.datetime) -> DtsenProposal:
    """Say the proposal was entered at `moment` (the service stamps the time it runs)."""
    DtsenProposal.objects.filter(pk=proposal.pk).update(proposed_at=moment)
    proposal.refresh_from_db()
    return proposal


def official(client) -> int:
    """The official extreme-poor persons the dashboard shows."""
    page = client.get(reverse("dashboard:index")).content.decode()
    return int(re.search(r'data-testid="headline-ep-persons">(\d+)<', page).group(1))


def submit_page(client, url: str, **fields):
    form = page_form(client.get(url))
    for name, value in fields.items():
        form[name] = value
    return form.submit(client)


def offered_decisions(client, proposal) -> list[str]:
    form = page_form(client.get(reverse("coordination:proposal_decide", args=[proposal.pk])))
    return [c.value for c in form.controls if c.name == "decision"]


def register_in_browser(client) -> Household:
    spouse = member(full_name="Siti Aminah", nik="6271044503850002", sex="P", birth_date="1985-03-05")
    response = registration(client, member(), {**spouse, "relation": "pasangan"}).submit(client)
    assert response.status_code == 302
    return Household.objects.get(address="Jl. Mahir Mahar No. 5")


def muskel(client, proposal, agreed="1"):
    return submit_page(
        client,
        reverse("coordination:proposal_muskel", args=[proposal.pk]),
        held_on=TODAY().isoformat(),
        minutes_number="BA-07/KMB/XI/2026",
        attendees="23",
        agreed=agreed,
        note="Dihadiri lurah, RT, tokoh masyarakat",
    )


def decide(client, proposal, decision="approve", **fields):
    return submit_page(
        client,
        reverse("coordination:proposal_decide", args=[proposal.pk]),
        decision=decision,
        note="Sesuai berita acara dan cek data",
        **fields,
    )


def test_a_family_registered_in_the_browser_waits_outside_the_official_count_until_muskel_and_approval(client_as, cast):
    PersonFactory()  # an extreme-poor family from a national list, already counted
    client = client_as("dinsos_caseworker")
    before = official(client)
    assert before == oracle.city()["ep_persons"] == 1

    household = register_in_browser(client)
    proposal = DtsenProposal.objects.get(household=household)
    assert household.status == Household.Status.PROPOSED
    assert (proposal.kind, proposal.reason, proposal.state) == ("new", "not_listed", "submitted")
    page = client.get(reverse("dashboard:index")).content.decode()
    assert official(client) == before  # the headline did not move (it moved from 69 to 71 before)
    assert re.search(r"<strong>2</strong></a>\s*jiwa dalam 1 rumah tangga", page)  # shown apart, as waiting

    # Before the Muskel the decision page offers only rejection; an approval forced into the request is refused
    # and changes nothing (the service refuses it too: test_no_approval_before_an_agreeing_muskel_by_the_service).
    supervisor = client_as("supervisor")
    assert offered_decisions(supervisor, proposal) == ["reject"]
    form = page_form(supervisor.get(reverse("coordination:proposal_decide", args=[proposal.pk])))
    form.force("decision", "approve")
    form["note"] = "langsung"
    assert form.submit(supervisor).status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    # Meanwhile nobody sets the household's status by hand: the decision will.
    assert client.get(reverse("households:status", args=[household.pk])).status_code == 403

    # The caseworker records the meeting; the supervisor approves: now it counts.
    client = client_as("dinsos_caseworker")
    assert muskel(client, proposal).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.muskel_attendees, proposal.muskel_agreed) == ("deliberated", 23, True)
    assert official(client) == before
    supervisor = client_as("supervisor")
    assert decide(supervisor, proposal).status_code == 302
    household.refresh_from_db()
    assert household.status == Household.Status.EXTREME_POOR
    assert official(supervisor) == before + 2 == oracle.city()["ep_persons"]
    assert derived.check().ok
    change = household.status_changes.order_by("-id").first()
    assert "BA-07/KMB/XI/2026" in change.reason and change.changed_by == cast["supervisor"]

    # Every step is in the case history.
    logged = ChangeLog.objects.for_case(household.pk).filter(object_id=proposal.pk).order_by("id")
    assert [entry.action for entry in logged] == ["create", "update", "update"]
    assert [entry.actor for entry in logged] == [
        cast["dinsos_caseworker"],
        cast["dinsos_caseworker"],
        cast["supervisor"],
    ]


def test_a_muskel_that_did_not_agree_leaves_only_rejection_with_the_status_the_supervisor_chooses(client_as):
    client = client_as("dinsos_caseworker")
    household = register_in_browser(client)
    proposal = household.dtsen_proposals.get()
    muskel(client, proposal, agreed="0")
    supervisor = client_as("supervisor")
    assert offered_decisions(supervisor, proposal) == ["reject"]
    response = decide(supervisor, proposal, decision="reject")  # the household's status after it is required
    assert "Pilih status rumah tangga" in response.content.decode()
    assert decide(supervisor, proposal, decision="reject", resulting_status="poor").status_code == 302
    household.refresh_from_db()
    proposal.refresh_from_db()
    assert (proposal.state, household.status) == ("rejected", "poor")
    assert derived.check().ok


@pytest.mark.parametrize(
    "change",
    [
        {"state": "approved"},
        {"state": "deliberated"},
        {
            "state": "approved",
            "muskel_agreed": False,
            "muskel_held_on": datetime.date(2026, 11, 1),
            "muskel_minutes_number": "BA-1",
            "muskel_attendees": 5,
        },
        {"muskel_agreed": True},  # a Muskel result without its date, berita acara or attendees
    ],
)
def test_no_write_path_approves_a_proposal_without_an_agreeing_muskel_and_a_decision(cast, change):
    """The database refuses it too: Django admin, a data fix or a script cannot skip the meeting."""
    household = HouseholdFactory(status=Household.Status.POOR)
    with case_scope():
        proposal = dtsen_propose(
            household=household, actor=cast["dinsos_caseworker"], kind="new", reason="not_listed", description="baru"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DtsenProposal.objects.filter(pk=proposal.pk).update(**change)


def test_extreme_poverty_comes_from_supervisors_and_proposals_not_from_a_caseworkers_status_change(cast):
    household = HouseholdFactory(status=Household.Status.POOR)
    caseworker, supervisor = cast["dinsos_caseworker"], cast["supervisor"]
    offered = [value for value, _label in household_statuses_for(caseworker, household)]
    assert "extreme_poor" not in offered and "graduated" not in offered and "proposed" in offered

    # A caseworker who finds the family newly extreme poor sets "diusulkan": a proposal opens by itself.
    with case_scope():
        household_change_status(
            household=household, status="proposed", reason="PHK, tanpa penghasilan", actor=caseworker
        )
    proposal = household.dtsen_proposals.get()
    # The family is on a national list already (the factory records its P3KE ranking): a change, not a new family.
    assert household.rankings.exists()
    assert (proposal.kind, proposal.reason, proposal.description) == (
        "change",
        "circumstances",
        "PHK, tanpa penghasilan",
    )

    # While it waits, not even a supervisor sets extreme poverty by hand: the proposal decides.
    assert "extreme_poor" not in [value for value, _label in household_statuses_for(supervisor, household)]
    with case_scope(), pytest.raises(DomainError, match="usulan DTSEN"):
        household_change_status(household=household, status="extreme_poor", reason="langsung", actor=supervisor)
    with case_scope():
        dtsen_record_muskel(
            proposal=proposal, actor=caseworker, held_on=TODAY(), minutes_number="BA-2", attendees=9, agreed=True
        )
        dtsen_decide(proposal=proposal, actor=supervisor, approve=True, note="Sesuai")
    household.refresh_from_db()
    assert household.status == "extreme_poor"


def test_an_approved_removal_gives_the_status_the_supervisor_chose(cast):
    person = PersonFactory()
    household = person.household
    with case_scope():
        proposal = dtsen_propose(
            household=household,
            actor=cast["dinsos_caseworker"],
            kind="removal",
            reason="moved",
            description="Pindah ke Kab. Katingan sejak Oktober",
        )
        dtsen_record_muskel(
            proposal=proposal,
            actor=cast["dinsos_caseworker"],
            held_on=TODAY(),
            minutes_number="BA-3",
            attendees=12,
            agreed=True,
        )
        with pytest.raises(DomainError, match="Pilih status"):
            dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="Sesuai")
        dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="Sesuai", resulting_status="moved")
    household.refresh_from_db()
    assert household.status == "moved"
    assert oracle.city()["ep_persons"] == 0
    assert derived.check().ok


def test_one_open_proposal_per_household_and_kind_and_reason_must_fit(cast):
    household = HouseholdFactory()
    with case_scope():
        with pytest.raises(DomainError, match="Alasan"):
            dtsen_propose(household=household, actor=cast["supervisor"], kind="new", reason="died", description="x")
        dtsen_propose(
            household=household, actor=cast["supervisor"], kind="change", reason="identity", description="NIK"
        )
        with pytest.raises(DomainError, match="belum diputuskan"):
            dtsen_propose(
                household=household, actor=cast["supervisor"], kind="removal", reason="duplicate", description="x"
            )


def test_a_proposal_made_from_the_case_file_keeps_what_was_typed_when_refused(client_as):
    person = PersonFactory(full_name="Maria Ulfa", household__status="poor")
    household = person.household
    client = client_as("dinsos_caseworker")
    case_file = client.get(reverse("cases:detail", args=[household.pk])).content.decode()
    url = reverse("coordination:proposal_create", args=[household.pk])
    assert url in case_file
    response = submit_page(client, url, kind="new", reason="died", person=str(person.pk), description="Meninggal 3/11")
    assert response.status_code == 200
    form = page_form(response)
    assert form["description"] == "Meninggal 3/11" and form["person"] == str(person.pk)
    assert "Untuk usulan keluarga baru pilih salah satu alasan" in response.content.decode()
    form["kind"] = "change"
    assert form.submit(client).status_code == 302
    proposal = household.dtsen_proposals.get()
    assert (proposal.kind, proposal.reason, proposal.person) == ("change", "died", person)


def approved(cast, household, minutes="BA-07/KMB/XI/2026", **fields) -> DtsenProposal:
    with case_scope():
        proposal = dtsen_propose(
            household=household,
            actor=cast["dinsos_caseworker"],
            description="baru",
            **{"kind": "new", "reason": "not_listed", **fields},
        )
        entered_on(proposal, datetime.datetime(2026, 11, 18, 9, tzinfo=JAKARTA))  # before its meeting on the 20th
        dtsen_record_muskel(
            proposal=proposal,
            actor=cast["dinsos_caseworker"],
            held_on=datetime.date(2026, 11, 20),
            minutes_number=minutes,
            attendees=23,
            agreed=True,
        )
        return dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="Sesuai")


def test_the_siks_ng_workbook_round_trips_with_the_documented_columns(client_as, cast):
    head = PersonFactory(
        full_name="Rudi Hartono", nik="6271040101800001", birth_date=datetime.date(1980, 1, 1), household__status="poor"
    )
    PersonFactory(household=head.household, full_name='=HYPERLINK("x")', relation="pasangan", sex="P")
    other = PersonFactory(full_name="Ahmad")
    proposal = approved(cast, head.household)
    approved(cast, other.household, kind="change", reason="identity", person=other)
    with case_scope():  # still open: not in the workbook
        dtsen_propose(
            household=PersonFactory(household__status="poor").household,
            actor=cast["dinsos_caseworker"],
            kind="new",
            reason="not_listed",
            description="baru",
        )

    client = client_as("supervisor")
    list_page = client.get(reverse("coordination:proposals")).content.decode()
    assert reverse("coordination:proposal_workbook") in list_page
    response = client.get(reverse("coordination:proposal_workbook"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == COLUMNS
    body = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    assert sorted((r["ID usulan"], r["Nama lengkap"]) for r in body) == sorted(
        [(proposal.pk, "Rudi Hartono"), (proposal.pk, '\'=HYPERLINK("x")'), (proposal.pk + 1, "Ahmad")]
    )  # one row per member of the new family (a formula-like name stays text), one for the named person
    rudi = next(r for r in body if r["Nama lengkap"] == "Rudi Hartono")
    assert rudi["NIK"] == "6271040101800001"  # text, not a number
    assert rudi["Jenis usulan"] == "Keluarga baru" and rudi["Nomor berita acara"] == "BA-07/KMB/XI/2026"
    assert rudi["Tanggal musyawarah"] == "20/11/2026" and rudi["Peserta musyawarah"] == 23
    assert rudi["Kode wilayah Kemendagri"] == head.household.kelurahan.code
    assert AccessLog.objects.get(kind="export").detail["list"] == "siks_ng"

    # The document lists the same columns, in the same order.
    document = (Path(__file__).resolve().parents[2] / "docs" / "SIKS_NG_WORKBOOK.md").read_text()
    documented = re.findall(r"^\| (\d+) \| ([^|]+?) \|", document, flags=re.M)
    assert [name for _n, name in documented] == list(COLUMNS)


def test_the_siks_ng_workbook_header_is_bold_frozen_filtered_and_its_columns_sized(client_as, cast):
    """The operator types hundreds of rows from it: the header stays in view, each column can be filtered."""
    head = PersonFactory(full_name="Rudi Hartono", household__status="poor")
    PersonFactory(household=head.household, full_name="Sari", relation="pasangan", sex="P")
    approved(cast, head.household)
    response = client_as("supervisor").get(reverse("coordination:proposal_workbook"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(COLUMNS))}3"  # the header and both rows
    assert [sheet.column_dimensions[get_column_letter(n)].width for n in range(1, len(COLUMNS) + 1)] == list(WIDTHS)
    nik = sheet.column_dimensions[get_column_letter(COLUMNS.index("NIK") + 1)].width
    assert nik >= 18 and sheet.column_dimensions["A"].width < nik  # 16 digits fit; a row number needs less


def test_the_berita_acara_lists_every_proposal_of_the_meeting(client_as, cast):
    first = approved(cast, PersonFactory(full_name="Rudi", household__status="poor").household)
    kelurahan = first.household.kelurahan
    second = approved(
        cast, PersonFactory(household__kelurahan=kelurahan, full_name="Sari", household__status="poor").household
    )
    approved(
        cast, PersonFactory(household__kelurahan=kelurahan, household__status="poor").household, minutes="BA-99"
    )  # another meeting
    page = client_as("dinsos_caseworker").get(reverse("coordination:proposal_minutes", args=[first.pk]))
    text = page.content.decode()
    assert text.count('data-testid="minutes-row"') == 2
    assert f"#{first.pk}" in text and f"#{second.pk}" in text and "BA-07/KMB/XI/2026" in text
    assert "Palangka Raya, 20 November 2026" in text and "data-print" in text


def test_the_proposals_list_reads_a_fixed_number_of_queries(client_as, cast, django_assert_max_num_queries):
    for _ in range(3):
        approved(cast, PersonFactory(household__status="poor").household)
    client = client_as("supervisor")
    client.get(reverse("coordination:proposals"))
    with django_assert_max_num_queries(9):
        first = client.get(reverse("coordination:proposals"))
    for _ in range(10):
        approved(cast, PersonFactory(household__status="poor").household)
    with django_assert_max_num_queries(9):
        second = client.get(reverse("coordination:proposals"))
    assert first.content.decode().count('data-testid="proposal-') < second.content.decode().count(
        'data-testid="proposal-'
    )


def test_a_ground_check_records_its_checklist_as_a_visit_and_a_failed_one_leaves_only_rejection(client_as, cast):
    client = client_as("dinsos_caseworker")
    household = register_in_browser(client)
    proposal = household.dtsen_proposals.get()
    muskel(client, proposal)
    page = client.get(reverse("coordination:proposal", args=[proposal.pk])).content.decode()
    url = reverse("coordination:proposal_ground_check", args=[proposal.pk])
    assert url in page
    response = submit_page(
        client,
        url,
        visited_on=TODAY().isoformat(),
        house_matches="0",
        members_present="1",
        documents_seen="1",
        ok="0",
        findings="Rumah permanen, ada mobil",
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    visit = proposal.ground_check
    assert (visit.purpose, visit.caseworker, visit.household) == ("ground_check", cast["dinsos_caseworker"], household)
    assert "kondisi rumah TIDAK sesuai data" in visit.findings and "Rumah permanen, ada mobil" in visit.findings
    assert (proposal.ground_check_ok, proposal.ground_house_matches, proposal.ground_members_present) == (
        False,
        False,
        1,
    )
    detail = client.get(reverse("coordination:proposal", args=[proposal.pk])).content.decode()
    assert "tidak sesuai usulan" in detail

    supervisor = client_as("supervisor")
    assert offered_decisions(supervisor, proposal) == ["reject"]
    assert decide(supervisor, proposal, decision="reject", resulting_status="vulnerable").status_code == 302
    household.refresh_from_db()
    assert household.status == "vulnerable"
    assert derived.check().ok


def test_a_ground_check_without_its_checklist_is_refused_by_the_database(cast):
    household = HouseholdFactory(status=Household.Status.POOR)
    with case_scope():
        proposal = dtsen_propose(
            household=household, actor=cast["dinsos_caseworker"], kind="new", reason="not_listed", description="baru"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DtsenProposal.objects.filter(pk=proposal.pk).update(ground_check_ok=True)


def test_no_approval_before_an_agreeing_muskel_by_the_service(cast):
    household = HouseholdFactory(status=Household.Status.POOR)
    with case_scope():
        household_change_status(household=household, status="proposed", reason="PHK", actor=cast["dinsos_caseworker"])
        proposal = household.dtsen_proposals.get()
        with pytest.raises(DomainError, match="Belum ada hasil musyawarah"):
            dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="langsung")
        dtsen_record_muskel(
            proposal=proposal,
            actor=cast["supervisor"],
            held_on=TODAY(),
            minutes_number="BA-5",
            attendees=4,
            agreed=False,
        )
        with pytest.raises(DomainError, match="tidak menyetujui"):
            dtsen_decide(proposal=proposal, actor=cast["supervisor"], approve=True, note="langsung")
        # While it waits, even a supervisor cannot set the household's status by hand.
        with pytest.raises(DomainError, match="menunggu keputusan usulan"):
            household_change_status(household=household, status="poor", reason="batal", actor=cast["supervisor"])
    household.refresh_from_db()
    assert household.status == "proposed"
    assert household_statuses_for(cast["supervisor"], household) == []


def test_an_operator_confirms_what_was_typed_into_siks_ng_on_a_page_and_downloads_only_the_rest(client_as, cast):
    first = approved(cast, PersonFactory(full_name="Rudi", household__status="poor").household)
    second = approved(cast, PersonFactory(full_name="Sari", sex="P", household__status="poor").household)
    client = client_as("supervisor")
    detail = reverse("coordination:proposal", args=[first.pk])
    url = reverse("coordination:proposal_entered", args=[first.pk])
    # The proposal's page leads to a confirmation (no form acting in one click, no script needed).
    assert f'href="{url}"' in client.get(detail).text
    assert not [f for f in page_forms(client.get(detail)) if f.method == "post" and f.action.endswith(url)]
    page = client.get(url)
    assert "Batalkan tanda SIKS-NG" in html.unescape(page.text)  # the page says how a mistake is corrected
    form = page_form(page)
    response = form.submit(client)  # sent without the tick: refused on the tick box, nothing marked
    assert response.status_code == 200
    assert response.context["form"].errors["confirmed"] == [
        "Centang untuk memastikan usulan ini sudah diinput ke SIKS-NG."
    ]
    first.refresh_from_db()
    assert first.entered_at is None
    form["confirmed"] = True
    assert form.submit(client).status_code == 302
    first.refresh_from_db()
    assert first.entered_at is not None and first.entered_by == cast["supervisor"]
    assert "Diinput ke SIKS-NG" in client.get(detail).content.decode()
    response = client.get(reverse("coordination:proposal_workbook") + "?entered=no")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert [row[COLUMNS.index("ID usulan")] for row in rows[1:]] == [second.pk]
    with case_scope(), pytest.raises(DomainError, match="sudah ditandai"):
        dtsen_mark_entered(proposal=first, actor=cast["supervisor"])
    assert client.get(url).status_code == 302  # marked already: back to the proposal, with the reason
    caseworker = client_as("dinsos_caseworker")
    second_url = reverse("coordination:proposal_entered", args=[second.pk])
    assert caseworker.get(second_url).status_code == 403
    assert caseworker.post(second_url, {"confirmed": "on"}).status_code == 403


def test_a_supervisor_takes_back_a_siks_ng_mark_set_by_mistake_with_the_reason_in_the_change_log(client_as, cast):
    proposal = approved(cast, PersonFactory(full_name="Rudi", household__status="poor").household)
    with case_scope():
        dtsen_mark_entered(proposal=proposal, actor=cast["supervisor"])
    client = client_as("supervisor")
    detail = reverse("coordination:proposal", args=[proposal.pk])
    undo = reverse("coordination:proposal_entered_undo", args=[proposal.pk])
    assert f'href="{undo}"' in client.get(detail).text
    form = page_form(client.get(undo))
    response = form.submit(client)  # no reason: refused on its field
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Alasan pembatalan tanda wajib diisi."]
    form["reason"] = "Salah klik: belum diinput di SIKS-NG"
    assert form.submit(client).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.entered_at, proposal.entered_by) == (None, None)
    entry = ChangeLog.objects.for_object(proposal).latest("id")
    assert (entry.action, entry.actor, entry.note) == (
        "update",
        cast["supervisor"],
        "Salah klik: belum diinput di SIKS-NG",
    )
    assert {"entered_at", "entered_by"} <= set(entry.changes)
    assert entry.case_id == proposal.household_id  # in the case history too
    response = client.get(reverse("coordination:proposal_workbook") + "?entered=no")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert [row[COLUMNS.index("ID usulan")] for row in rows[1:]] == [proposal.pk]  # to enter again
    assert client.get(undo).status_code == 302  # nothing to take back now
    with case_scope(), pytest.raises(DomainError, match="belum ditandai"):
        dtsen_unmark_entered(proposal=proposal, actor=cast["supervisor"], reason="lagi")
    with case_scope():
        dtsen_mark_entered(proposal=proposal, actor=cast["supervisor"])
    caseworker = client_as("dinsos_caseworker")
    assert caseworker.get(undo).status_code == 403
    assert caseworker.post(undo, {"reason": "iseng"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.entered_at is not None


def test_only_an_approved_proposal_is_marked_as_entered(cast):
    household = HouseholdFactory(status=Household.Status.POOR)
    with case_scope():
        proposal = dtsen_propose(
            household=household, actor=cast["dinsos_caseworker"], kind="new", reason="not_listed", description="baru"
        )
        with pytest.raises(DomainError, match="Hanya usulan yang disetujui"):
            dtsen_mark_entered(proposal=proposal, actor=cast["supervisor"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DtsenProposal.objects.filter(pk=proposal.pk).update(entered_at=timezone.now(), entered_by=cast["supervisor"])


def test_one_kelurahan_meeting_is_recorded_for_several_proposals_at_once(client_as, cast):
    kameloh = PersonFactory().household.kelurahan
    with case_scope():
        waiting = [
            dtsen_propose(household=PersonFactory(household__kelurahan=kameloh, household__status="poor").household,
                          actor=cast["supervisor"], kind="new", reason="not_listed", description=f"baru {n}")
            for n in range(3)
        ]  # fmt: skip
        elsewhere = dtsen_propose(
            household=PersonFactory(household__kelurahan=kelurahan("Petuk Bukit"), household__status="poor").household,
            actor=cast["supervisor"], kind="new", reason="not_listed", description="lain",
        )  # fmt: skip
    client = client_as("dinsos_caseworker")
    listing = client.get(reverse("coordination:proposals") + f"?kelurahan={kameloh.pk}").content.decode()
    url = reverse("coordination:proposal_muskel_many") + f"?kelurahan={kameloh.pk}"
    assert url in listing
    form = page_form(client.get(url))
    offered = [c.value for c in form.controls if c.name == "proposals"]
    assert sorted(offered) == sorted(str(p.pk) for p in waiting)  # this kelurahan's, waiting for a meeting
    form["proposals"] = [str(waiting[0].pk), str(waiting[1].pk)]
    form["held_on"], form["minutes_number"], form["attendees"], form["agreed"] = TODAY().isoformat(), "BA-9", "30", "1"
    assert form.submit(client).status_code == 302
    states = dict(DtsenProposal.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in waiting] == ["deliberated", "deliberated", "submitted"]
    assert states[elsewhere.pk] == "submitted"
    assert set(DtsenProposal.objects.filter(state="deliberated").values_list("muskel_minutes_number", flat=True)) == {
        "BA-9"
    }
    # Nothing chosen: refused, nothing changes, what was typed is kept.
    form = page_form(client.get(url))
    form["minutes_number"] = "BA-10"
    response = form.submit(client)
    assert response.status_code == 200 and "Pilih minimal satu usulan" in response.content.decode()
    assert page_form(response)["minutes_number"] == "BA-10"


def test_the_meeting_page_reads_a_fixed_number_of_queries(client_as, cast, django_assert_max_num_queries):
    kameloh = kelurahan("Kameloh Baru")
    client = client_as("dinsos_caseworker")
    url = reverse("coordination:proposal_muskel_many") + f"?kelurahan={kameloh.pk}"

    def waiting(n):
        with case_scope():
            for _each in range(n):
                household = PersonFactory(household__kelurahan=kameloh, household__status="poor").household
                dtsen_propose(household=household, actor=cast["supervisor"], kind="new", reason="not_listed",
                              description="baru")  # fmt: skip

    waiting(2)
    client.get(url)
    with django_assert_max_num_queries(9):
        few = client.get(url).content.decode()
    waiting(10)
    with django_assert_max_num_queries(9):
        many = client.get(url).content.decode()
    assert few.count('name="proposals"') == 2 and many.count('name="proposals"') == 12


def proposed(cast, household=None, **place) -> DtsenProposal:
    with case_scope():
        return dtsen_propose(
            household=household or PersonFactory(**{"household__status": "poor", **place}).household,
            actor=cast["dinsos_caseworker"],
            kind="new",
            reason="not_listed",
            description="baru",
        )


def untouched(*proposals: DtsenProposal) -> bool:
    """Still waiting for its meeting, with nothing recorded and nothing in the change log but its creation."""
    for proposal in proposals:
        proposal.refresh_from_db()
        logged = ChangeLog.objects.for_object(proposal)
        if (proposal.state, proposal.muskel_held_on, proposal.muskel_agreed) != ("submitted", None, None):
            return False
        if [entry.action for entry in logged] != ["create"]:
            return False
    return True


def test_a_muskel_dated_before_the_proposal_was_entered_or_in_the_future_is_refused_on_its_field(client_as, cast):
    entered = TODAY() - datetime.timedelta(days=5)
    # Entered at 01:30 in Palangka Raya (WIB, UTC+7): still the day before in UTC. The local day counts.
    proposal = entered_on(proposed(cast), datetime.datetime.combine(entered, datetime.time(1, 30), tzinfo=JAKARTA))
    client = client_as("dinsos_caseworker")
    url = reverse("coordination:proposal_muskel", args=[proposal.pk])
    page = client.get(url)
    assert f'min="{entered.isoformat()}"' in page.text  # the date picker's hint
    form = page_form(page)
    form["minutes_number"], form["attendees"], form["agreed"] = "BA-12/KMB/XI/2026", "17", "1"

    day_before = entered - datetime.timedelta(days=1)
    form["held_on"] = day_before.isoformat()
    response = form.submit(client)
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        f"Tanggal musyawarah {day_before:%d/%m/%Y} lebih awal dari tanggal usulan #{proposal.pk} diajukan "
        f"({entered:%d/%m/%Y}); isi tanggal musyawarah yang membahas usulan ini."
    ]
    assert "lebih awal dari tanggal usulan" in html.unescape(response.text)
    assert page_form(response)["minutes_number"] == "BA-12/KMB/XI/2026"  # what was typed is kept
    assert untouched(proposal)

    form["held_on"] = (TODAY() + datetime.timedelta(days=1)).isoformat()  # tomorrow in Jakarta
    response = form.submit(client)
    assert response.status_code == 200
    assert "tidak boleh di masa depan" in " ".join(response.context["form"].errors["held_on"])
    assert untouched(proposal)

    form["held_on"] = entered.isoformat()  # the day it was entered: a meeting that same day is fine
    assert form.submit(client).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.muskel_held_on) == ("deliberated", entered)


def test_one_meeting_for_several_proposals_is_not_dated_before_the_last_of_them_was_entered(client_as, cast):
    kameloh = kelurahan("Kameloh Baru")
    early, late = TODAY() - datetime.timedelta(days=6), TODAY() - datetime.timedelta(days=2)
    first = entered_on(
        proposed(cast, household__kelurahan=kameloh), datetime.datetime.combine(early, datetime.time(9), tzinfo=JAKARTA)
    )
    second = entered_on(
        proposed(cast, household__kelurahan=kameloh), datetime.datetime.combine(late, datetime.time(9), tzinfo=JAKARTA)
    )
    client = client_as("dinsos_caseworker")
    url = reverse("coordination:proposal_muskel_many") + f"?kelurahan={kameloh.pk}"
    form = page_form(client.get(url))
    form["proposals"] = [str(first.pk), str(second.pk)]
    form["minutes_number"], form["attendees"], form["agreed"] = "BA-13", "25", "1"

    between = late - datetime.timedelta(days=1)
    form["held_on"] = between.isoformat()
    response = form.submit(client)
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == [
        f"Tanggal musyawarah {between:%d/%m/%Y} lebih awal dari tanggal usulan #{second.pk} diajukan "
        f"({late:%d/%m/%Y}); isi tanggal musyawarah yang membahas usulan ini."
    ]
    assert untouched(first, second)  # all or none

    form["held_on"] = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = form.submit(client)
    assert "tidak boleh di masa depan" in " ".join(response.context["form"].errors["held_on"])
    assert untouched(first, second)

    form["held_on"] = late.isoformat()
    assert form.submit(client).status_code == 302
    assert set(DtsenProposal.objects.values_list("state", "muskel_held_on")) == {("deliberated", late)}


def test_the_muskel_services_refuse_a_meeting_before_the_proposal_for_every_caller(cast):
    early, late = TODAY() - datetime.timedelta(days=6), TODAY() - datetime.timedelta(days=2)
    kameloh = kelurahan("Kameloh Baru")
    first = entered_on(
        proposed(cast, household__kelurahan=kameloh), datetime.datetime.combine(early, datetime.time(9), tzinfo=JAKARTA)
    )
    second = entered_on(
        proposed(cast, household__kelurahan=kameloh), datetime.datetime.combine(late, datetime.time(9), tzinfo=JAKARTA)
    )
    record = {"actor": cast["dinsos_caseworker"], "minutes_number": "BA-14", "attendees": 9, "agreed": True}
    with pytest.raises(DomainError, match="lebih awal dari tanggal usulan"):
        dtsen_record_muskel(proposal=second, held_on=late - datetime.timedelta(days=1), **record)
    with pytest.raises(DomainError, match=f"usulan #{second.pk} diajukan"):
        dtsen_record_muskel_many(proposals=[first, second], held_on=late - datetime.timedelta(days=1), **record)
    assert untouched(first, second)


def test_the_berita_acara_shows_each_family_s_no_kk_masked_as_on_every_screen(client_as, cast):
    first = approved(
        cast, PersonFactory(full_name="Rudi", household__no_kk="6271040512190007", household__status="poor").household
    )
    kelurahan = first.household.kelurahan
    approved(
        cast, PersonFactory(household__kelurahan=kelurahan, household__no_kk="", household__status="poor").household
    )  # none recorded
    page = client_as("dinsos_caseworker").get(reverse("coordination:proposal_minutes", args=[first.pk])).text
    assert "No. KK" in page
    cells = re.findall(r'data-testid="minutes-kk">(.*?)</td>', page, flags=re.S)
    assert [cell.strip() for cell in cells] == [
        '<span class="masked-number">6271••••••••0007</span>',
        "—",
    ]
    assert "6271040512190007" not in page and "tampilkan" not in page  # masked, and no way to reveal it here
