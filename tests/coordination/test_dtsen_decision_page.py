"""What a new user trying the DTSEN proposals found (third trial): the decision page says what this kind of
proposal does, asks the household's status where it is needed (marked required, pre-filled from the reason, its
error on the field), and a family already counted as extreme poor is not proposed as a new family."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.casework import case_scope
from audit.models import ChangeLog
from coordination.models import DtsenProposal
from coordination.services import dtsen_propose, dtsen_record_muskel
from core.errors import DomainError
from households.models import Household
from tests.coordination.test_dtsen_proposals import muskel, register_in_browser
from tests.factories import PersonFactory
from tests.pageforms import page_form

pytestmark = pytest.mark.django_db

STATUS_REQUIRED = "Pilih status rumah tangga setelah keputusan ini."
NEW_FAMILY_PROMISE = "keluarga usulan baru menjadi miskin ekstrem resmi"


def deliberated(cast, household: Household, *, kind: str, reason: str, person=None) -> DtsenProposal:
    """A proposal whose kelurahan meeting agreed: waiting for the supervisor."""
    with case_scope():
        proposal = dtsen_propose(
            household=household,
            actor=cast["dinsos_caseworker"],
            kind=kind,
            reason=reason,
            description="Dari laporan RT",
            person=person,
        )
        return dtsen_record_muskel(
            proposal=proposal,
            actor=cast["dinsos_caseworker"],
            held_on=timezone.localdate(),
            minutes_number="BA-21/KMB/XII/2026",
            attendees=15,
            agreed=True,
        )


def decision_page(client, proposal):
    return client.get(reverse("coordination:proposal_decide", args=[proposal.pk]))


def effect(page) -> str:
    found = re.search(r'data-testid="decision-effect">(.*?)</span>', page.text, flags=re.S)
    assert found, "the decision page says what the decision does"
    return " ".join(html.unescape(found.group(1)).split())


def status_field(page) -> str:
    """The household-status field's block as crispy renders it: its label, select and errors."""
    found = re.search(r'<div id="div_id_resulting_status".*?</select>.*?</div>', page.text, flags=re.S)
    assert found, "the page asks for the household's status"
    return html.unescape(found.group(0))


def test_the_decision_page_says_what_approving_does_for_each_kind_of_proposal(client_as, cast):
    supervisor = client_as("supervisor")
    removal = deliberated(cast, PersonFactory().household, kind="removal", reason="moved")
    said = effect(decision_page(supervisor, removal))
    assert "penghapusan" in said and "keluar dari angka resmi" in said
    assert "membuatnya miskin ekstrem" not in said and NEW_FAMILY_PROMISE not in decision_page(supervisor, removal).text

    change = deliberated(cast, PersonFactory().household, kind="change", reason="identity")
    said = effect(decision_page(supervisor, change))
    assert "perubahan data" in said and "(Miskin ekstrem) tidak berubah" in said

    new = deliberated(cast, PersonFactory(household__status="poor").household, kind="new", reason="not_listed")
    said = effect(decision_page(supervisor, new))
    assert "keluarga baru" in said and "(Miskin) tidak berubah" in said

    caseworker = client_as("dinsos_caseworker")  # the test's one client, signed in as a caseworker now
    waiting = register_in_browser(caseworker).dtsen_proposals.get()  # a family waiting as "diusulkan"
    muskel(caseworker, waiting)
    said = effect(decision_page(client_as("supervisor"), waiting))
    assert "membuatnya miskin ekstrem resmi" in said and "pilih status" in said


@pytest.mark.parametrize(("reason", "suggested"), [("moved", "moved"), ("died", "dissolved"), ("duplicate", "")])
def test_an_approved_removal_asks_the_status_marked_required_and_prefilled_from_the_reason(
    client_as, cast, reason, suggested
):
    household = PersonFactory().household
    proposal = deliberated(cast, household, kind="removal", reason=reason)
    supervisor = client_as("supervisor")
    page = decision_page(supervisor, proposal)
    field = status_field(page)
    assert '<span class="asteriskField">*</span>' in field  # crispy's required marker
    assert "bila usulan disetujui" in field
    form = page_form(page)
    assert form["resulting_status"] == suggested
    assert "" in [value for c in form.controls if c.name == "resulting_status" for value, _selected in c.options]

    # Approved without a status: refused on the field itself, not only in the box at the top; nothing decided.
    form["decision"], form["note"], form["resulting_status"] = "approve", "Sesuai berita acara", ""
    response = form.submit(supervisor)
    assert response.status_code == 200
    assert response.context["form"].errors["resulting_status"] == [STATUS_REQUIRED]
    assert response.context["form"].non_field_errors() == []
    assert STATUS_REQUIRED in status_field(response)
    proposal.refresh_from_db()
    assert proposal.state == "deliberated"

    form = page_form(response)
    assert (form["decision"], form["note"]) == ("approve", "Sesuai berita acara")  # what was chosen is kept
    form["resulting_status"] = "moved"
    assert form.submit(supervisor).status_code == 302
    household.refresh_from_db()
    assert household.status == "moved"


def test_a_rejected_removal_needs_no_status_and_leaves_the_household_as_it_is(client_as, cast):
    household = PersonFactory().household
    proposal = deliberated(cast, household, kind="removal", reason="died")
    supervisor = client_as("supervisor")
    form = page_form(decision_page(supervisor, proposal))
    form["decision"], form["note"], form["resulting_status"] = "reject", "Masih tinggal di sana", ""
    assert form.submit(supervisor).status_code == 302
    household.refresh_from_db()
    proposal.refresh_from_db()
    assert (proposal.state, household.status) == ("rejected", "extreme_poor")


@pytest.mark.parametrize(
    ("reason", "member_status", "still_extreme_poor"),
    [("died", "deceased", True), ("moved", "moved_out", True), ("not_eligible", "active", False)],
)
def test_an_approved_removal_of_one_member_changes_that_member_not_the_household(
    client_as, cast, reason, member_status, still_extreme_poor
):
    person = PersonFactory()
    sibling = PersonFactory(household=person.household, relation="anak")
    household = person.household
    proposal = deliberated(cast, household, kind="removal", reason=reason, person=person)
    supervisor = client_as("supervisor")
    page = decision_page(supervisor, proposal)
    assert "resulting_status" not in page_form(page).names()  # nothing to choose for the household
    form = page_form(page)
    form["decision"], form["note"] = "approve", "Sesuai berita acara"
    assert form.submit(supervisor).status_code == 302
    person.refresh_from_db()
    household.refresh_from_db()
    sibling.refresh_from_db()
    assert (person.status, person.is_extreme_poor) == (member_status, still_extreme_poor)
    assert household.status == "extreme_poor" and sibling.status == "active"
    assert ChangeLog.objects.filter(case_id=household.pk, object_id=person.pk, source=f"usulan DTSEN #{proposal.pk}")


def test_a_family_waiting_as_proposed_whose_meeting_disagreed_must_get_a_status_marked_required(client_as):
    caseworker = client_as("dinsos_caseworker")
    household = register_in_browser(caseworker)
    proposal = household.dtsen_proposals.get()
    muskel(caseworker, proposal, agreed="0")
    supervisor = client_as("supervisor")
    page = decision_page(supervisor, proposal)
    field = status_field(page)
    assert '<span class="asteriskField">*</span>' in field and "Status rumah tangga setelah keputusan" in field
    form = page_form(page)
    form["note"] = "Musyawarah tidak setuju"
    response = form.submit(supervisor)
    assert response.context["form"].errors["resulting_status"] == [STATUS_REQUIRED]
    assert STATUS_REQUIRED in status_field(response)


def test_a_family_already_counted_as_extreme_poor_is_not_proposed_as_a_new_family(client_as, cast):
    household = PersonFactory().household
    assert household.status == Household.Status.EXTREME_POOR
    with case_scope(), pytest.raises(DomainError, match="Perubahan data"):
        dtsen_propose(
            household=household, actor=cast["supervisor"], kind="new", reason="not_listed", description="Belum ada"
        )

    client = client_as("dinsos_caseworker")
    form = page_form(client.get(reverse("coordination:proposal_create", args=[household.pk])))
    form["kind"], form["reason"], form["description"] = "new", "not_listed", "Belum ada di DTSEN"
    response = form.submit(client)
    assert response.status_code == 200
    [message] = response.context["form"].errors["kind"]
    assert "sudah berstatus miskin ekstrem" in message and "Perubahan data" in message
    assert not household.dtsen_proposals.exists()
    form = page_form(response)
    assert form["description"] == "Belum ada di DTSEN"  # what was typed is kept
    form["kind"], form["reason"] = "change", "circumstances"
    assert form.submit(client).status_code == 302
    assert household.dtsen_proposals.get().kind == "change"


def test_a_family_outside_the_official_count_may_still_be_proposed_as_new(cast):
    household = PersonFactory(household__status="vulnerable").household
    with case_scope():
        proposal = dtsen_propose(
            household=household, actor=cast["supervisor"], kind="new", reason="not_listed", description="Belum ada"
        )
    assert proposal.kind == "new"
