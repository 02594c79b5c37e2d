"""Writes for the coordination workflow. Each is one transaction and leaves history rows."""

from __future__ import annotations

import datetime
from typing import Any, TypedDict

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Opd, User
from audit.casework import case_write
from audit.models import ChangeLog
from audit.services import log_change, snapshot
from coordination.models import (
    Assessment,
    DtsenProposal,
    GraduationProposal,
    Need,
    Referral,
    ReferralEvent,
    ResponsibilityRule,
    need_refusal,
)
from core.errors import DomainError
from households.models import Household, Person, PovertyLine, Visit
from households.services import ensure_open, household_change_status, person_update, visit_log
from interventions.models import Intervention, Program
from interventions.services import intervention_record, intervention_transition


@case_write
def assessment_record(
    *,
    household: Household,
    actor: User,
    needs: list[tuple[str, Person | None, str]],
    assessed_on: datetime.date | None = None,
    visit: Visit | None = None,
    source: str = "web",
) -> tuple[Assessment, list[Referral], list[tuple[str, Person | None]]]:
    """Record ticked needs; each becomes a referral to the OPD responsible for it.

    Returns the assessment, the new referrals, and the needs skipped because an open referral
    for the same need (and member) already exists. The assessment itself is in the change log too, so one
    whose needs were all skipped still leaves its trace (and, sent from a phone, when it was recorded offline).
    """
    if not needs:
        raise DomainError(_("Centang paling sedikit satu kebutuhan."))
    ensure_open(household.pk)
    assessment = Assessment(
        household=household, visit=visit, assessed_by=actor, assessed_on=assessed_on or timezone.localdate()
    )
    assessment.full_clean()  # an assessment date in the future would set deadlines years ahead
    assessment.save()
    log_change(actor=actor, instance=assessment, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
    rules = {rule.need: rule for rule in ResponsibilityRule.objects.select_related("opd")}
    created: list[Referral] = []
    skipped: list[tuple[str, Person | None]] = []
    for need, person, note in needs:
        if person is not None and person.household_id != household.pk:
            raise DomainError(_("Anggota bukan bagian dari rumah tangga ini."))
        # Whether the need applies to the member (their age on the assessment date) or to the household.
        if refusal := need_refusal(need, person, assessment.assessed_on):
            raise DomainError(refusal)
        open_referrals = Referral.objects.open().filter(household=household, need=need, person=person)
        if open_referrals.exists():
            skipped.append((need, person))
            continue
        rule = rules.get(need)
        if rule is None:
            raise DomainError(
                _("Belum ada OPD penanggung jawab untuk %(need)s; minta admin mengisi aturan.")
                % {"need": Need(need).label}
            )
        referral = Referral.objects.create(
            assessment=assessment,
            household=household,
            person=person,
            need=need,
            note=(note or "").strip()[:300],
            opd=rule.opd,
            due_on=assessment.assessed_on + datetime.timedelta(days=rule.due_days),
            sent_by=actor,
        )
        ReferralEvent.objects.create(
            referral=referral, from_status="", to_status=referral.status, opd=rule.opd, by=actor
        )
        log_change(actor=actor, instance=referral, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
        created.append(referral)
    return assessment, created, skipped


def _move(
    referral: Referral, to_status: str, actor: User, note: str = "", source: str = "web", **fields: Any
) -> Referral:
    if to_status not in Referral.TRANSITIONS[referral.status]:
        raise DomainError(
            _("Rujukan berstatus %(from)s tidak dapat menjadi %(to)s.")
            % {"from": referral.get_status_display(), "to": Referral.Status(to_status).label}
        )
    before = snapshot(referral)
    from_status = referral.status
    referral.status = to_status
    referral.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, opd=referral.opd, by=actor, note=note
    )
    log_change(
        actor=actor,
        instance=referral,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=referral.household_id,
        note=note,
        source=source,
    )
    return referral


def _locked(referral: Referral) -> Referral:
    locked: Referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("opd", "household", "person")
        .get(pk=referral.pk)
    )
    return locked


@case_write
def referral_accept(*, referral: Referral, actor: User, assignee: User | None = None, source: str = "web") -> Referral:
    referral = _locked(referral)
    return _move(
        referral,
        Referral.Status.ACCEPTED,
        actor,
        source=source,
        assigned_to=assignee or referral.assigned_to or actor,
    )


@case_write
def referral_decline(*, referral: Referral, actor: User, reason: str, source: str = "web") -> Referral:
    """Not this OPD's to answer: it goes back to Dinsos to be reassigned."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan penolakan wajib diisi."))
    referral = _locked(referral)
    return _move(referral, Referral.Status.DECLINED, actor, note=reason, source=source, decline_reason=reason)


@case_write
def referral_assign(*, referral: Referral, actor: User, assignee: User) -> Referral:
    referral = _locked(referral)
    if assignee.opd_id != referral.opd_id or not assignee.is_active:
        raise DomainError(_("Petugas harus dari OPD tujuan rujukan."))
    if not referral.is_open:
        raise DomainError(_("Rujukan ini sudah tidak terbuka."))
    before = snapshot(referral)
    referral.assigned_to = assignee
    referral.save(update_fields=["assigned_to"])
    log_change(
        actor=actor, instance=referral, action=ChangeLog.Action.UPDATE, before=before, case_id=referral.household_id
    )
    return referral


@case_write
def referral_reassign(*, referral: Referral, actor: User, opd: Opd, due_on: datetime.date | None = None) -> Referral:
    """Dinsos sends a declined referral to another OPD (or back to the same one)."""
    referral = _locked(referral)
    return _move(
        referral,
        Referral.Status.SENT,
        actor,
        note=_("Dialihkan ke %(opd)s") % {"opd": opd.short_name},
        opd=opd,
        decline_reason="",
        assigned_to=None,
        due_on=due_on or referral.due_on,
        sent_by=actor,
        sent_at=timezone.now(),
    )


@case_write
def referral_fulfil(
    *,
    referral: Referral,
    actor: User,
    intervention: Intervention | None = None,
    program: Program | None = None,
    delivered_on: datetime.date | None = None,
    amount: int | None = None,
    notes: str = "",
    source: str = "web",
) -> Referral:
    """Close a referral with the intervention that met it: an existing one, or one recorded now."""
    referral = _locked(referral)
    if intervention is None:
        if program is None:
            raise DomainError(_("Pilih program intervensi yang memenuhi rujukan ini."))
        if program.opd_id != referral.opd_id:
            raise DomainError(_("Program harus milik OPD tujuan rujukan."))
        delivered_on = delivered_on or timezone.localdate()
        intervention = intervention_record(
            program=program,
            person=referral.person,
            household=referral.household,
            planned_on=delivered_on,
            amount=amount,
            notes=notes,
            recorded_by=actor,
            source=source,
        )
        intervention = intervention_transition(
            intervention=intervention,
            status=Intervention.Status.DELIVERED,
            delivered_on=delivered_on,
            actor=actor,
            source=source,
        )
    elif intervention.household_id != referral.household_id:
        raise DomainError(_("Intervensi itu bukan untuk rumah tangga ini."))
    return _move(
        referral,
        Referral.Status.FULFILLED,
        actor,
        source=source,
        intervention=intervention,
        fulfilled_at=timezone.now(),
    )


class GraduationGrounds(TypedDict):
    referrals: int
    unresolved: int
    needs_fulfilled: bool
    line: int | None  # the extreme-poverty line in force, Rupiah per capita per month
    expenditure: int | None
    measured_on: datetime.date | None
    above_line: bool


def graduation_grounds(household: Household) -> GraduationGrounds:
    """What supports a graduation now: needs all fulfilled, and/or expenditure above the line in force."""
    referrals = Referral.objects.filter(household=household)
    line = PovertyLine.objects.in_force()
    expenditure = household.expenditure_per_capita
    return {
        "referrals": referrals.count(),
        "unresolved": referrals.exclude(status=Referral.Status.FULFILLED).count(),
        "needs_fulfilled": referrals.exists() and not referrals.exclude(status=Referral.Status.FULFILLED).exists(),
        "line": line.amount if line else None,
        "expenditure": expenditure,
        "measured_on": household.expenditure_measured_on if expenditure is not None else None,
        "above_line": bool(line and expenditure is not None and expenditure > line.amount),
    }


@case_write
def graduation_propose(*, household: Household, actor: User, basis: str, note: str = "") -> GraduationProposal:
    ensure_open(household.pk)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.EXTREME_POOR:
        raise DomainError(_("Hanya rumah tangga berstatus miskin ekstrem yang dapat diusulkan graduasi."))
    if GraduationProposal.objects.filter(household=household, status=GraduationProposal.Status.PENDING).exists():
        raise DomainError(_("Sudah ada usulan graduasi yang menunggu keputusan."))
    grounds = graduation_grounds(household)
    if basis == GraduationProposal.Basis.NEEDS_FULFILLED and not grounds["needs_fulfilled"]:
        raise DomainError(
            _("Belum semua kebutuhan terpenuhi (%(n)d rujukan belum selesai).") % {"n": grounds["unresolved"]}
            if grounds["referrals"]
            else _("Belum ada asesmen kebutuhan untuk rumah tangga ini.")
        )
    if basis == GraduationProposal.Basis.EXPENDITURE and not grounds["above_line"]:
        raise DomainError(
            _("Pengeluaran per kapita belum diukur atau tidak di atas garis kemiskinan ekstrem yang berlaku.")
        )
    proposal = GraduationProposal.objects.create(
        household=household,
        basis=basis,
        expenditure=grounds["expenditure"],
        expenditure_measured_on=grounds["measured_on"],
        poverty_line=grounds["line"],
        note=(note or "").strip(),
        proposed_by=actor,
    )
    log_change(actor=actor, instance=proposal, action=ChangeLog.Action.CREATE, case_id=household.pk)
    return proposal


@case_write
def graduation_decide(*, proposal: GraduationProposal, actor: User, approve: bool, reason: str) -> GraduationProposal:
    """A Dinsos supervisor approves (the household becomes graduated) or rejects, always with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan keputusan wajib diisi."))
    proposal = (
        GraduationProposal.objects.select_for_update(of=("self",)).select_related("household").get(pk=proposal.pk)
    )
    if proposal.status != GraduationProposal.Status.PENDING:
        raise DomainError(_("Usulan ini sudah diputuskan."))
    before = snapshot(proposal)
    proposal.status = GraduationProposal.Status.APPROVED if approve else GraduationProposal.Status.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save()
    log_change(
        actor=actor, instance=proposal, action=ChangeLog.Action.UPDATE, before=before, case_id=proposal.household_id
    )
    if approve:
        household_change_status(
            household=proposal.household,
            status=Household.Status.GRADUATED,
            reason=_("Graduasi disetujui: %(reason)s") % {"reason": reason},
            actor=actor,
        )
    return proposal


@case_write
def rule_save(
    *, actor: User, rule: ResponsibilityRule, form: forms.ModelForm[ResponsibilityRule]
) -> ResponsibilityRule:
    before = snapshot(ResponsibilityRule.objects.get(pk=rule.pk))
    rule = form.save()
    log_change(actor=actor, instance=rule, action=ChangeLog.Action.UPDATE, before=before)
    return rule


# Which reasons go with which kind of DTSEN proposal (the first is the form's default).
PROPOSAL_REASONS: dict[str, tuple[str, ...]] = {
    DtsenProposal.Kind.NEW: (
        DtsenProposal.Reason.NOT_LISTED,
        DtsenProposal.Reason.CIRCUMSTANCES,
        DtsenProposal.Reason.OTHER,
    ),
    DtsenProposal.Kind.CHANGE: (
        DtsenProposal.Reason.CIRCUMSTANCES,
        DtsenProposal.Reason.MOVED,
        DtsenProposal.Reason.DIED,
        DtsenProposal.Reason.IDENTITY,
        DtsenProposal.Reason.OTHER,
    ),
    DtsenProposal.Kind.REMOVAL: (
        DtsenProposal.Reason.DIED,
        DtsenProposal.Reason.MOVED,
        DtsenProposal.Reason.NOT_ELIGIBLE,
        DtsenProposal.Reason.DUPLICATE,
        DtsenProposal.Reason.OTHER,
    ),
}
# The statuses a household may be given when a proposal leaves it outside extreme poverty.
OUTSIDE_STATUSES = (
    Household.Status.POOR,
    Household.Status.VULNERABLE,
    Household.Status.MOVED,
    Household.Status.DISSOLVED,
)
# The status a family's removal for this reason suggests (the decision form's default; the supervisor decides).
REMOVAL_STATUS: dict[str, str] = {
    DtsenProposal.Reason.DIED: Household.Status.DISSOLVED,
    DtsenProposal.Reason.MOVED: Household.Status.MOVED,
}


def _locked_proposal(proposal: DtsenProposal) -> DtsenProposal:
    return DtsenProposal.objects.select_for_update(of=("self",)).select_related("household").get(pk=proposal.pk)


@case_write
def dtsen_propose(
    *,
    household: Household,
    actor: User,
    kind: str,
    reason: str,
    description: str,
    person: Person | None = None,
    source: str = "web",
) -> DtsenProposal:
    """Open a DTSEN proposal for a household (one open proposal per household)."""
    ensure_open(household.pk)
    household = Household.objects.select_for_update().get(pk=household.pk)
    description = (description or "").strip()
    if kind not in PROPOSAL_REASONS:
        raise DomainError(_("Jenis usulan tidak dikenal."))
    if reason not in PROPOSAL_REASONS[kind]:
        raise DomainError(
            _("Alasan “%(reason)s” tidak berlaku untuk usulan %(kind)s.")
            % {
                "reason": DtsenProposal.Reason(reason).label if reason in DtsenProposal.Reason.values else reason,
                "kind": DtsenProposal.Kind(kind).label.lower(),
            }
        )
    if not description:
        raise DomainError(_("Keterangan usulan wajib diisi."))
    if refusal := DtsenProposal.kind_refusal(kind, household):
        raise DomainError(refusal)
    if person is not None and person.household_id != household.pk:
        raise DomainError(_("Anggota yang dipilih bukan anggota rumah tangga ini."))
    if open_one := household.dtsen_proposals.filter(state__in=DtsenProposal.OPEN_STATES).first():
        raise DomainError(
            _("Rumah tangga ini sudah punya usulan DTSEN yang belum diputuskan (usulan #%(id)s).") % {"id": open_one.pk}
        )
    proposal = DtsenProposal.objects.create(
        household=household, person=person, kind=kind, reason=reason, description=description, proposed_by=actor
    )
    log_change(actor=actor, instance=proposal, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
    return proposal


@case_write
def dtsen_record_muskel(
    *,
    proposal: DtsenProposal,
    actor: User,
    held_on: datetime.date,
    minutes_number: str,
    attendees: int,
    agreed: bool,
    note: str = "",
) -> DtsenProposal:
    """Record what the kelurahan meeting (Muskel) decided, with its berita acara; it can be corrected until a
    supervisor decides."""
    proposal = _locked_proposal(proposal)
    if not proposal.is_open:
        raise DomainError(_("Usulan ini sudah diputuskan; hasil musyawarah tidak dapat diubah lagi."))
    minutes_number = (minutes_number or "").strip()
    if not minutes_number:
        raise DomainError(_("Nomor berita acara musyawarah wajib diisi."))
    if attendees is None or attendees < 1:
        raise DomainError(_("Jumlah peserta hadir minimal 1."))
    if held_on > timezone.localdate():
        raise DomainError(_("Tanggal musyawarah tidak boleh di masa depan."))
    if refusal := proposal.muskel_date_refusal(held_on):
        raise DomainError(refusal)
    before = snapshot(proposal)
    proposal.muskel_held_on = held_on
    proposal.muskel_minutes_number = minutes_number
    proposal.muskel_attendees = attendees
    proposal.muskel_agreed = agreed
    proposal.muskel_note = (note or "").strip()
    proposal.muskel_recorded_by = actor
    proposal.state = DtsenProposal.State.DELIBERATED
    proposal.save()
    log_change(
        actor=actor, instance=proposal, action=ChangeLog.Action.UPDATE, before=before, case_id=proposal.household_id
    )
    return proposal


@case_write
def dtsen_decide(
    *, proposal: DtsenProposal, actor: User, approve: bool, note: str, resulting_status: str = ""
) -> DtsenProposal:
    """A Dinsos supervisor approves a proposal whose Muskel agreed, or rejects one, always with a note.

    What the decision does to the household: a household waiting as "proposed" becomes extreme poor when its
    proposal is approved (it enters the official count now); an approved removal, or a rejection of a household
    still waiting as "proposed", gives it the status the supervisor chose (`resulting_status`)."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Catatan keputusan wajib diisi."))
    proposal = _locked_proposal(proposal)
    if not proposal.is_open:
        raise DomainError(_("Usulan ini sudah diputuskan."))
    household = Household.objects.select_for_update().get(pk=proposal.household_id)
    if approve:
        if proposal.muskel_agreed is None:
            raise DomainError(_("Belum ada hasil musyawarah kelurahan: catat musyawarahnya dulu."))
        if not proposal.muskel_agreed:
            raise DomainError(_("Musyawarah kelurahan tidak menyetujui usulan ini; usulan hanya dapat ditolak."))
        if proposal.ground_check_ok is False:
            raise DomainError(_("Hasil cek lapangan tidak sesuai dengan usulan; usulan hanya dapat ditolak."))
    needs_status = proposal.needs_resulting_status(approve=approve, household_status=household.status)
    if needs_status and resulting_status not in OUTSIDE_STATUSES:
        raise DomainError(_("Pilih status rumah tangga setelah keputusan ini."))
    before = snapshot(proposal)
    proposal.state = DtsenProposal.State.APPROVED if approve else DtsenProposal.State.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save()
    log_change(
        actor=actor, instance=proposal, action=ChangeLog.Action.UPDATE, before=before, case_id=proposal.household_id
    )
    if approve and proposal.kind == DtsenProposal.Kind.REMOVAL and proposal.person_id is not None:
        _remove_member(proposal, actor)
        return proposal
    status: str
    if approve and household.status == Household.Status.PROPOSED and proposal.kind != DtsenProposal.Kind.REMOVAL:
        status = Household.Status.EXTREME_POOR
    elif needs_status and household.status != resulting_status:
        status = resulting_status
    else:
        return proposal
    household_change_status(
        household=household,
        status=status,
        actor=actor,
        reason=_("Usulan DTSEN #%(id)s %(decision)s (berita acara musyawarah %(minutes)s): %(note)s")
        % {
            "id": proposal.pk,
            "decision": _("disetujui") if approve else _("ditolak"),
            "minutes": proposal.muskel_minutes_number or "—",
            "note": note,
        },
    )
    return proposal


def _remove_member(proposal: DtsenProposal, actor: User) -> None:
    """An approved removal of one member: one who died or moved leaves the family's active members; one removed
    for another reason (no longer eligible, a duplicate) stays a member but is no longer counted extreme poor."""
    person = Person.objects.select_for_update().get(pk=proposal.person_id)
    changes: dict[str, Any]
    if proposal.reason == DtsenProposal.Reason.DIED:
        changes = {"status": Person.Status.DECEASED}
    elif proposal.reason == DtsenProposal.Reason.MOVED:
        changes = {"status": Person.Status.MOVED_OUT}
    else:
        changes = {"is_extreme_poor": False}
    source = f"usulan DTSEN #{proposal.pk}"
    person_update(person=person, actor=actor, expected_version=person.version, source=source, **changes)


@case_write
def dtsen_ground_check(
    *,
    proposal: DtsenProposal,
    actor: User,
    visited_on: datetime.date,
    house_matches: bool,
    members_present: int,
    documents_seen: bool,
    ok: bool,
    findings: str = "",
) -> DtsenProposal:
    """The field check of an open proposal: a visit of its own kind with the checklist. A check that does not
    bear the proposal out leaves it only to be rejected (dtsen_decide refuses to approve it); a later check
    replaces the result (the earlier visit stays in the case file)."""
    proposal = _locked_proposal(proposal)
    if not proposal.is_open:
        raise DomainError(_("Usulan ini sudah diputuskan; cek lapangan tidak dapat dicatat lagi."))
    if members_present is None or members_present < 0:
        raise DomainError(_("Jumlah anggota yang dijumpai tidak boleh negatif."))
    checklist = [
        _("kondisi rumah sesuai data") if house_matches else _("kondisi rumah TIDAK sesuai data"),
        _("%(n)d anggota dijumpai") % {"n": members_present},
        _("KK/KTP asli diperlihatkan") if documents_seen else _("KK/KTP asli tidak diperlihatkan"),
        _("hasil: sesuai usulan") if ok else _("hasil: TIDAK sesuai usulan"),
    ]
    visit = visit_log(
        household=proposal.household,
        caseworker=actor,
        purpose=Visit.Purpose.GROUND_CHECK,
        visited_on=visited_on,
        findings="; ".join([_("Cek lapangan usulan DTSEN #%(id)s") % {"id": proposal.pk}, *checklist])
        + (f". {findings.strip()}" if findings.strip() else ""),
    )
    before = snapshot(proposal)
    proposal.ground_check = visit
    proposal.ground_check_ok = ok
    proposal.ground_house_matches = house_matches
    proposal.ground_members_present = members_present
    proposal.ground_documents_seen = documents_seen
    proposal.save()
    log_change(
        actor=actor, instance=proposal, action=ChangeLog.Action.UPDATE, before=before, case_id=proposal.household_id
    )
    return proposal


@case_write
def dtsen_mark_entered(*, proposal: DtsenProposal, actor: User) -> DtsenProposal:
    """The operator typed this approved proposal into SIKS-NG: it leaves the list still to enter."""
    proposal = _locked_proposal(proposal)
    if proposal.state != DtsenProposal.State.APPROVED:
        raise DomainError(_("Hanya usulan yang disetujui yang diinput ke SIKS-NG."))
    if proposal.entered_at is not None:
        raise DomainError(_("Usulan ini sudah ditandai diinput ke SIKS-NG."))
    before = snapshot(proposal)
    proposal.entered_at = timezone.now()
    proposal.entered_by = actor
    proposal.save()
    log_change(
        actor=actor, instance=proposal, action=ChangeLog.Action.UPDATE, before=before, case_id=proposal.household_id
    )
    return proposal


@case_write
def dtsen_unmark_entered(*, proposal: DtsenProposal, actor: User, reason: str) -> DtsenProposal:
    """Take back a mark set by mistake: the proposal is again in the list still to enter into SIKS-NG. The change
    log keeps who marked it, when, and why the mark was taken back."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan pembatalan tanda wajib diisi."))
    proposal = _locked_proposal(proposal)
    if proposal.entered_at is None:
        raise DomainError(_("Usulan ini belum ditandai diinput ke SIKS-NG."))
    before = snapshot(proposal)
    proposal.entered_at = None
    proposal.entered_by = None
    proposal.save()
    log_change(
        actor=actor,
        instance=proposal,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=proposal.household_id,
        note=reason,
    )
    return proposal


@case_write
def dtsen_record_muskel_many(
    *,
    proposals: list[DtsenProposal],
    actor: User,
    held_on: datetime.date,
    minutes_number: str,
    attendees: int,
    agreed: bool,
    note: str = "",
) -> list[DtsenProposal]:
    """One kelurahan meeting recorded for several proposals it decided the same way: all of them or none."""
    if not proposals:
        raise DomainError(_("Pilih minimal satu usulan."))
    if len({p.household.kelurahan_id for p in proposals}) > 1:
        raise DomainError(_("Satu musyawarah kelurahan hanya untuk usulan dari kelurahan yang sama."))
    return [
        dtsen_record_muskel(
            proposal=proposal,
            actor=actor,
            held_on=held_on,
            minutes_number=minutes_number,
            attendees=attendees,
            agreed=agreed,
            note=note,
        )
        for proposal in proposals
    ]
