"""Writes to households, members and visits. Each function is one transaction and leaves a history row."""

import datetime
from typing import Any

from django.apps import apps
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.casework import case_write, settle
from audit.locking import claim_version
from audit.models import ChangeLog
from audit.services import log_change, save_with_log, snapshot
from core.errors import DomainError
from households.models import Household, HouseholdStatusChange, Kelurahan, Person, PovertyLine, Relation, Visit


def ensure_open(*household_ids: int) -> None:
    """An archived household is read-only until a supervisor takes it out of the archive, with a reason."""
    if Household._base_manager.filter(pk__in=household_ids, archived_at__isnull=False).exists():
        raise DomainError(
            _(
                "Rumah tangga ini diarsipkan, jadi datanya tidak diubah. Supervisor dapat mengeluarkannya dari "
                "arsip (dengan alasan) bila keluarga ini kembali ditangani."
            )
        )


@case_write
def household_register(
    *, actor: User, members: list[dict[str, Any]] | None = None, source: str = "web", **fields: Any
) -> Household:
    """Register a household and its members. `fields` are Household fields, `members` Person fields. Its desil is
    not among them: it is the latest national ranking (households.rankings.ranking_record)."""
    if derived := {"desil", "desil_source", "desil_as_of"} & fields.keys():
        raise TypeError(f"{sorted(derived)}: a household's desil comes from its rankings (households.rankings)")
    household = Household(created_by=actor if actor and actor.is_authenticated else None, **fields)
    household.full_clean()
    household.save()
    log_change(actor=actor, instance=household, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
    HouseholdStatusChange.objects.create(
        household=household,
        from_status="",
        to_status=household.status,
        changed_by=actor if actor and actor.is_authenticated else None,
        reason=_("Pendaftaran awal"),
    )
    for member in members or []:
        person_add(household=household, actor=actor, source=source, **member)
    settle()  # the returned household carries its summary (head, member counts)
    household.refresh_from_db()
    return household


@case_write
def household_register_proposed(
    *, actor: User, members: list[dict[str, Any]], source: str = "web", **fields: Any
) -> Household:
    """A family registered in the app by a caseworker or supervisor: not yet verified, so it waits as "diusulkan"
    with a DTSEN proposal for a new family (coordination.DtsenProposal) until its kelurahan meeting agrees and a
    supervisor approves (coordination.services.dtsen_decide)."""
    household = household_register(
        actor=actor, members=members, source=source, **{**fields, "status": Household.Status.PROPOSED}
    )
    _open_proposal(
        household,
        actor=actor,
        listed=False,
        description=_("Keluarga baru didaftarkan petugas lewat aplikasi; belum terdaftar di DTSEN."),
        source=source,
    )
    return household


def _open_proposal(household: Household, *, actor: User, listed: bool, description: str, source: str) -> None:
    """Open the DTSEN proposal that verifies a household waiting as "diusulkan": a change of circumstances for
    a family already on a national list, else a new family. (coordination.DtsenProposal is in the app above
    this one: looked up, not imported.)"""
    proposals = apps.get_model("coordination", "DtsenProposal")
    proposal = proposals.objects.create(
        household=household,
        kind=proposals.Kind.CHANGE if listed else proposals.Kind.NEW,
        reason=proposals.Reason.CIRCUMSTANCES if listed else proposals.Reason.NOT_LISTED,
        description=description,
        proposed_by=actor,
    )
    log_change(actor=actor, instance=proposal, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)


@case_write
def household_update(
    *, household: Household, actor: User, expected_version: int, source: str = "web", **changes: Any
) -> Household:
    if "status" in changes:
        raise DomainError(_("Status rumah tangga diubah melalui perubahan status dengan alasan."))
    ensure_open(household.pk)
    claim_version(Household, household.pk, expected_version)
    # Work on the stored row: the caller's object may already carry the unsaved form values.
    return save_with_log(actor=actor, instance=Household.objects.get(pk=household.pk), source=source, **changes)


@case_write
def household_change_status(
    *,
    household: Household,
    status: str,
    reason: str,
    actor: User,
    expected_version: int | None = None,
    source: str = "web",
) -> HouseholdStatusChange:
    """Set a new status with its reason. A form names the version it was opened on (`expected_version`);
    workflows that decide on the stored record (a graduation approval) leave it out."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan perubahan status wajib diisi."))
    if status not in Household.Status.values:
        raise DomainError(_("Status tidak dikenal."))
    ensure_open(household.pk)
    if expected_version is not None:
        claim_version(Household, household.pk, expected_version)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == status:
        raise DomainError(_("Rumah tangga sudah berstatus %(status)s.") % {"status": household.get_status_display()})
    proposals = apps.get_model("coordination", "DtsenProposal")
    open_proposal = household.dtsen_proposals.filter(state__in=proposals.OPEN_STATES).first()
    if household.status == Household.Status.PROPOSED and open_proposal is not None:
        raise DomainError(
            _(
                "Rumah tangga ini menunggu keputusan usulan DTSEN #%(id)s: statusnya ditentukan oleh keputusan itu "
                "(disetujui: miskin ekstrem; ditolak: status yang dipilih supervisor)."
            )
            % {"id": open_proposal.pk}
        )
    if status == Household.Status.EXTREME_POOR and open_proposal is not None:
        raise DomainError(
            _(
                "Rumah tangga ini menunggu keputusan usulan DTSEN #%(id)s: status miskin ekstrem diberikan lewat "
                "persetujuan usulan itu setelah musyawarah kelurahan."
            )
            % {"id": open_proposal.pk}
        )
    before = snapshot(household)
    change = HouseholdStatusChange.objects.create(
        household=household,
        from_status=household.status,
        to_status=status,
        changed_by=actor if actor and actor.is_authenticated else None,
        reason=reason,
    )
    household.status = status
    household.status_changed_at = change.changed_at
    if expected_version is None:
        household.version = F("version") + 1
    household.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
    household.refresh_from_db(fields=["version"])
    log_change(
        actor=actor,
        instance=household,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=household.pk,
        note=reason,
        source=source,
    )
    if status == Household.Status.PROPOSED and open_proposal is None:
        # Newly extreme poor by a caseworker's judgement: verified only through a DTSEN proposal.
        _open_proposal(household, actor=actor, listed=household.rankings.exists(), description=reason, source=source)
    return change


@case_write
def person_add(*, household: Household, actor: User, source: str = "web", **fields: Any) -> Person:
    ensure_open(household.pk)
    person = save_with_log(actor=actor, instance=Person(household=household, **fields), source=source)
    return person


@case_write
def person_update(*, person: Person, actor: User, expected_version: int, source: str = "web", **changes: Any) -> Person:
    if "household" in changes or "household_id" in changes:
        raise DomainError(_("Pindah rumah tangga dilakukan melalui fitur pindah anggota."))
    ensure_open(person.household_id)
    claim_version(Person, person.pk, expected_version)
    person = save_with_log(actor=actor, instance=Person.objects.get(pk=person.pk), source=source, **changes)
    return person


def head_taken_message(*, household: Household, head: Person, person: Person) -> str:
    return _(
        "Rumah tangga #%(id)s sudah punya kepala keluarga (%(head)s). Pilih hubungan %(name)s di rumah tangga itu, "
        "mis. Istri/suami atau Famili lain."
    ) % {"id": household.pk, "head": head.full_name, "name": person.full_name}


@case_write
def person_move(
    *,
    person: Person,
    to_household: Household,
    actor: User,
    reason: str,
    relation: str | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> Person:
    """Move a member to another household, as `relation` there (default: as before); both case files record it.
    The household left behind may be left without a head; the one joined never gets a second."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan pindah wajib diisi."))
    if to_household.pk == person.household_id:
        raise DomainError(_("Anggota sudah berada di rumah tangga tujuan."))
    if relation is not None and relation not in Relation.values:
        raise DomainError(_("Hubungan keluarga tidak dikenal."))
    ensure_open(person.household_id, to_household.pk)
    claim_version(Person, person.pk, person.version if expected_version is None else expected_version)
    person = Person.objects.get(pk=person.pk)
    before = snapshot(person)
    from_household_id = person.household_id
    person.household = to_household
    person.relation = relation or person.relation
    if person.relation == Relation.HEAD and person.status == Person.Status.ACTIVE:
        head = Person.objects.heads().filter(household=to_household).exclude(pk=person.pk).first()
        if head is not None:
            raise DomainError(head_taken_message(household=to_household, head=head, person=person))
    person.save()
    for case_id in (from_household_id, to_household.pk):
        log_change(
            actor=actor,
            instance=person,
            action=ChangeLog.Action.UPDATE,
            before=before,
            case_id=case_id,
            note=reason,
            source=source,
        )
    return person


@case_write
def visit_log(
    *,
    household: Household,
    caseworker: User,
    purpose: str,
    visited_on: datetime.date | None = None,
    findings: str = "",
    next_follow_up_on: datetime.date | None = None,
    source: str = "web",
) -> Visit:
    ensure_open(household.pk)
    visited_on = visited_on or timezone.localdate()
    same = Visit.objects.filter(
        household=household, caseworker=caseworker, visited_on=visited_on, purpose=purpose, findings=findings
    ).first()
    if same is not None:
        # The same form sent again (the back button restores what was typed, then Save): not a second visit.
        raise DomainError(
            _(
                "Kunjungan ini sudah tercatat: %(date)s, %(purpose)s, oleh %(who)s, dengan temuan yang sama. "
                "Kunjungan tidak dicatat dua kali; lihat di berkas kasus. Bila ini kunjungan lain, ubah tanggal "
                "atau temuannya."
            )
            % {"date": visited_on.strftime("%d/%m/%Y"), "purpose": same.get_purpose_display(), "who": caseworker}
        )
    visit = Visit(
        household=household,
        caseworker=caseworker,
        purpose=purpose,
        visited_on=visited_on,
        findings=findings,
        next_follow_up_on=next_follow_up_on,
    )
    save_with_log(actor=caseworker, instance=visit, source=source)
    return visit


@case_write
def visit_update(*, visit: Visit, actor: User, expected_version: int, source: str = "web", **changes: Any) -> Visit:
    ensure_open(visit.household_id)
    claim_version(Visit, visit.pk, expected_version)
    visit = save_with_log(
        actor=actor, instance=Visit.objects.select_for_update().get(pk=visit.pk), source=source, **changes
    )
    return visit


@case_write
def household_archive(*, household: Household, actor: User, reason: str, source: str = "web") -> Household:
    """Hide a household that left the programme from default lists and active counts; nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan pengarsipan wajib diisi."))
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.is_archived:
        raise DomainError(_("Rumah tangga ini sudah diarsipkan."))
    if not household.has_left_programme:
        raise DomainError(_("Hanya rumah tangga yang sudah graduasi, pindah, atau bubar yang dapat diarsipkan."))
    household.archived_at = timezone.now()
    household.archived_by = actor
    household.archive_reason = reason
    household.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    log_change(
        actor=actor,
        instance=household,
        action=ChangeLog.Action.UPDATE,
        case_id=household.pk,
        note=_("Diarsipkan: %(reason)s") % {"reason": reason},
        source=source,
    )
    return household


@case_write
def household_unarchive(*, household: Household, actor: User, reason: str, source: str = "web") -> Household:
    """Bring an archived household back into lists, counts and case work; the reason is logged."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan mengeluarkan dari arsip wajib diisi."))
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household.is_archived:
        raise DomainError(_("Rumah tangga ini tidak diarsipkan."))
    household.archived_at = None
    household.archived_by = None
    household.archive_reason = ""
    household.save(update_fields=["archived_at", "archived_by", "archive_reason", "updated_at"])
    log_change(
        actor=actor,
        instance=household,
        action=ChangeLog.Action.UPDATE,
        case_id=household.pk,
        note=_("Dikeluarkan dari arsip: %(reason)s") % {"reason": reason},
        source=source,
    )
    return household


@case_write
def poverty_line_save(*, actor: User, line: PovertyLine | None = None, **fields: Any) -> PovertyLine:
    # A poverty line has a field named `source`: pass the fields whole, not as keywords of the log call.
    return save_with_log(actor=actor, instance=line or PovertyLine(), fields=fields)


@case_write
def kelurahan_set_priority(*, kelurahan: Kelurahan, is_priority_locus: bool, actor: User) -> Kelurahan:
    before = snapshot(kelurahan)
    kelurahan.is_priority_locus = is_priority_locus
    kelurahan.save(update_fields=["is_priority_locus"])
    log_change(actor=actor, instance=kelurahan, action=ChangeLog.Action.UPDATE, before=before)
    return kelurahan
