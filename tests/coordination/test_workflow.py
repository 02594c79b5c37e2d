"""Needs become referrals to the responsible OPD; each OPD accepts, declines or fulfils; Dinsos decides graduation."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.casework import case_scope
from coordination.models import GraduationProposal, Referral, ResponsibilityRule
from coordination.selectors import consolidation_cells
from coordination.services import (
    assessment_record,
    graduation_decide,
    graduation_propose,
    referral_accept,
    referral_decline,
    referral_fulfil,
    referral_reassign,
)
from core.errors import DomainError
from households.models import Household, HouseholdStatusChange
from households.services import household_change_status, household_update
from interventions.models import Intervention, Program
from tests.factories import HouseholdFactory, PersonFactory, opd
from tests.recorded import recorded

pytestmark = pytest.mark.django_db


@pytest.fixture
@recorded
def family():
    household = HouseholdFactory()
    head = PersonFactory(household=household)
    return household, head


def assess_three(household, head, actor):
    return assessment_record(
        household=household,
        actor=actor,
        needs=[
            ("no_documents", head, "Belum ada KTP"),
            ("no_work", head, "Buruh lepas"),
            ("uninhabitable_house", None, "Atap bocor"),
        ],
    )


def test_each_ticked_need_becomes_a_referral_to_the_responsible_opd_with_a_due_date(family, dinsos_caseworker):
    household, head = family
    _assessment, referrals, skipped = assess_three(household, head, dinsos_caseworker)
    assert {r.opd.short_name for r in referrals} == {"Disdukcapil", "Disnaker", "Disperkimtan"}
    work = next(r for r in referrals if r.need == "no_work")
    rule = ResponsibilityRule.objects.get(need="no_work")
    assert work.due_on == timezone.localdate() + datetime.timedelta(days=rule.due_days)
    assert (work.status, work.person, work.note) == ("sent", head, "Buruh lepas")
    assert work.events.get().to_status == "sent"
    assert skipped == []
    _again, created, skipped = assess_three(household, head, dinsos_caseworker)
    assert created == [] and len(skipped) == 3  # open referrals are not sent twice


def test_a_person_need_must_name_a_member_and_a_household_need_must_not(family, dinsos_caseworker):
    household, head = family
    with pytest.raises(DomainError):
        assessment_record(household=household, actor=dinsos_caseworker, needs=[("no_work", None, "")])
    with pytest.raises(DomainError):
        assessment_record(household=household, actor=dinsos_caseworker, needs=[("no_clean_water", head, "")])


def test_lifecycle_accept_then_fulfil_with_a_delivered_intervention(family, dinsos_caseworker, disnaker_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    referral_accept(referral=work, actor=disnaker_caseworker)
    work = referral_fulfil(
        referral=work, actor=disnaker_caseworker, program=Program.objects.get(name="Pelatihan kerja")
    )
    assert work.status == "fulfilled" and work.fulfilled_at is not None
    assert (work.intervention.status, work.intervention.person, work.intervention.opd.short_name) == (
        "delivered",
        head,
        "Disnaker",
    )
    assert [(e.from_status, e.to_status, e.by) for e in work.events.all()] == [
        ("", "sent", dinsos_caseworker),
        ("sent", "accepted", disnaker_caseworker),
        ("accepted", "fulfilled", disnaker_caseworker),
    ]
    household.refresh_from_db()
    assert household.delivered_count == 1


def test_a_program_of_another_opd_cannot_fulfil(family, dinsos_caseworker, disnaker_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    with pytest.raises(DomainError):
        referral_fulfil(referral=work, actor=disnaker_caseworker, program=Program.objects.get(name="Permakanan"))
    assert not Intervention.objects.exists()


def test_decline_needs_a_reason_and_goes_back_to_dinsos_to_reassign(
    family, dinsos_caseworker, disnaker_caseworker, supervisor
):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    house = next(r for r in referrals if r.need == "uninhabitable_house")
    with pytest.raises(DomainError):
        referral_decline(referral=house, actor=disnaker_caseworker, reason=" ")
    house = referral_decline(referral=house, actor=disnaker_caseworker, reason="Tanah bukan milik sendiri")
    assert house.status == "declined"
    house = referral_reassign(referral=house, actor=supervisor, opd=opd("PUPR"))
    assert (house.status, house.opd.short_name, house.decline_reason) == ("sent", "PUPR", "")
    assert house.events.count() == 3


def measured(household, actor) -> None:
    """The caseworker measured an expenditure above the line in force."""
    version = Household.objects.get(pk=household.pk).version
    household_update(household=household, actor=actor, expected_version=version, expenditure_per_capita=450_000)


def test_overdue_is_an_open_referral_past_its_due_date(family, dinsos_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    late = referrals[0]
    with case_scope():  # as if the due date had passed
        Referral.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    late.refresh_from_db()
    assert late.is_overdue
    assert list(Referral.objects.overdue()) == [late]
    referral_decline(referral=late, actor=dinsos_caseworker, reason="Bukan kewenangan")
    assert not Referral.objects.overdue().exists()


def test_graduation_needs_fulfilled_needs_or_expenditure_above_the_line(family, dinsos_caseworker, supervisor):
    household, head = family
    with pytest.raises(DomainError, match="Belum ada asesmen"):
        graduation_propose(household=household, actor=dinsos_caseworker, basis="needs_fulfilled")
    with pytest.raises(DomainError, match="Pengeluaran"):
        graduation_propose(household=household, actor=dinsos_caseworker, basis="expenditure")
    measured(household, supervisor)
    proposal = graduation_propose(
        household=household, actor=dinsos_caseworker, basis="expenditure", note="Sudah bekerja"
    )
    assert (proposal.expenditure, proposal.poverty_line) == (450_000, 391_000)
    with pytest.raises(DomainError, match="menunggu"):
        graduation_propose(household=household, actor=dinsos_caseworker, basis="expenditure")


def test_approval_graduates_the_household_and_it_can_fall_back_with_history(family, dinsos_caseworker, supervisor):
    household, head = family
    measured(household, supervisor)
    proposal = graduation_propose(household=household, actor=dinsos_caseworker, basis="expenditure")
    with pytest.raises(DomainError):
        graduation_decide(proposal=proposal, actor=supervisor, approve=True, reason="")
    graduation_decide(proposal=proposal, actor=supervisor, approve=True, reason="Penghasilan tetap")
    household.refresh_from_db()
    assert household.status == "graduated"
    household_change_status(household=household, status="extreme_poor", reason="Kehilangan pekerjaan", actor=supervisor)
    statuses = list(
        HouseholdStatusChange.objects.filter(household=household)
        .order_by("changed_at", "id")
        .values_list("to_status", flat=True)
    )
    assert statuses[-2:] == ["graduated", "extreme_poor"]


def test_a_rejected_proposal_leaves_the_status(family, dinsos_caseworker, supervisor):
    household, _head = family
    measured(household, supervisor)
    proposal = graduation_propose(household=household, actor=dinsos_caseworker, basis="expenditure")
    graduation_decide(proposal=proposal, actor=supervisor, approve=False, reason="Data pengeluaran belum diverifikasi")
    household.refresh_from_db()
    assert household.status == "extreme_poor"
    assert GraduationProposal.objects.get().status == "rejected"


def test_the_consolidation_matrix_shows_the_most_pressing_state_per_need(
    family, dinsos_caseworker, disnaker_caseworker
):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    referral_accept(referral=work, actor=disnaker_caseworker)
    docs = next(r for r in referrals if r.need == "no_documents")
    with case_scope():  # as if the due date had passed
        Referral.objects.filter(pk=docs.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    cells = consolidation_cells([household], None)[household.pk]
    assert cells["no_work"].state == "accepted"
    assert cells["no_documents"].state == "overdue"
    assert cells["uninhabitable_house"].state == "sent"
    assert "no_toilet" not in cells
    only_disnaker = consolidation_cells([household], opd("Disnaker"))[household.pk]
    assert set(only_disnaker) == {"no_work"}


def test_assessment_form_in_the_browser_flow(client_as, family):
    household, head = family
    client = client_as("dinsos_caseworker")
    response = client.post(
        reverse("coordination:assess", args=[household.pk]),
        {
            "assessed_on": timezone.localdate().isoformat(),
            f"need_no_documents_{head.pk}": "on",
            f"note_no_documents_{head.pk}": "KTP hilang",
            "need_no_clean_water": "on",
            "submission_token": str(uuid.uuid4()),
        },
        follow=True,
    )
    assert "2 rujukan dikirim ke Disdukcapil, Disperkimtan" in response.text
    assert Referral.objects.get(need="no_documents").note == "KTP hilang"
    empty = client.post(
        reverse("coordination:assess", args=[household.pk]),
        {"assessed_on": timezone.localdate().isoformat(), "submission_token": str(uuid.uuid4())},
    )
    assert "Centang paling sedikit satu kebutuhan" in empty.text


def test_inbox_lists_my_opd_overdue_first_and_the_nav_counts_it(client_as, family, dinsos_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    response = client_as("disnaker_caseworker").get(reverse("coordination:inbox"))
    assert [r.pk for r in response.context["page_obj"]] == [work.pk]
    assert "Rujukan (1)" in response.text


def test_fulfil_in_one_flow_from_the_inbox(client_as, family, dinsos_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    client = client_as("disnaker_caseworker")
    form = client.get(reverse("coordination:fulfil", args=[work.pk])).context["form"]
    assert form["program"].value() == Program.objects.get(name="Pelatihan kerja").pk  # suggested by the rule
    response = client.post(
        reverse("coordination:fulfil", args=[work.pk]),
        {
            "program": form["program"].value(),
            "delivered_on": timezone.localdate().isoformat(),
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.status == "fulfilled" and work.intervention.status == "delivered"


def test_only_the_addressed_opd_acts_on_a_referral(client_as, family, dinsos_caseworker):
    household, head = family
    _a, referrals, _s = assess_three(household, head, dinsos_caseworker)
    work = next(r for r in referrals if r.need == "no_work")
    assert client_as("dinsos_caseworker").post(reverse("coordination:accept", args=[work.pk])).status_code == 403
    work.refresh_from_db()
    assert work.status == "sent"
