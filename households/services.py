"""Writes to households, members and visits. Each function is one transaction and leaves a history row."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeLog
from audit.services import log_change, snapshot
from households.models import Household, HouseholdStatusChange, Person, Visit
from poverty.errors import DomainError, StaleEditError


def _bump_version(model: type[Household] | type[Person], pk: int, expected_version: int) -> None:
    """Claim the edit: succeeds only if nobody saved since `expected_version` was read."""
    updated = model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise StaleEditError(
            _(
                "Data ini sudah diubah oleh pengguna lain sejak Anda membukanya. Perubahan Anda tidak "
                "disimpan; muat ulang halaman untuk melihat data terbaru."
            )
        )


@transaction.atomic
def household_register(
    *, actor, members: list[dict[str, Any]] | None = None, source: str = "web", **fields: Any
) -> Household:
    """Register a household and its members. `fields` are Household fields, `members` Person fields."""
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
    return household


@transaction.atomic
def household_update(
    *, household: Household, actor, expected_version: int, source: str = "web", **changes: Any
) -> Household:
    if "status" in changes:
        raise DomainError(_("Status rumah tangga diubah melalui perubahan status dengan alasan."))
    before = snapshot(household)
    _bump_version(Household, household.pk, expected_version)
    for name, value in changes.items():
        setattr(household, name, value)
    household.version = expected_version + 1
    household.full_clean()
    household.save()
    log_change(
        actor=actor,
        instance=household,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=household.pk,
        source=source,
    )
    return household


@transaction.atomic
def household_change_status(
    *, household: Household, status: str, reason: str, actor, source: str = "web"
) -> HouseholdStatusChange:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan perubahan status wajib diisi."))
    if status not in Household.Status.values:
        raise DomainError(_("Status tidak dikenal."))
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == status:
        raise DomainError(_("Rumah tangga sudah berstatus %(status)s.") % {"status": household.get_status_display()})
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
    return change


@transaction.atomic
def person_add(*, household: Household, actor, source: str = "web", **fields: Any) -> Person:
    person = Person(household=household, **fields)
    person.full_clean()
    person.save()
    log_change(actor=actor, instance=person, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
    return person


@transaction.atomic
def person_update(*, person: Person, actor, expected_version: int, source: str = "web", **changes: Any) -> Person:
    if "household" in changes or "household_id" in changes:
        raise DomainError(_("Pindah rumah tangga dilakukan melalui fitur pindah anggota."))
    before = snapshot(person)
    _bump_version(Person, person.pk, expected_version)
    for name, value in changes.items():
        setattr(person, name, value)
    person.version = expected_version + 1
    person.full_clean()
    person.save()
    log_change(
        actor=actor,
        instance=person,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=person.household_id,
        source=source,
    )
    return person


@transaction.atomic
def person_move(*, person: Person, to_household: Household, actor, reason: str, source: str = "web") -> Person:
    """Move a member to another household; both case files record it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Alasan pindah wajib diisi."))
    if to_household.pk == person.household_id:
        raise DomainError(_("Anggota sudah berada di rumah tangga tujuan."))
    before = snapshot(person)
    from_household_id = person.household_id
    _bump_version(Person, person.pk, person.version)
    person.household = to_household
    person.version += 1
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


@transaction.atomic
def visit_log(
    *,
    household: Household,
    caseworker,
    purpose: str,
    visited_on: datetime.date | None = None,
    findings: str = "",
    next_follow_up_on: datetime.date | None = None,
    source: str = "web",
) -> Visit:
    visit = Visit(
        household=household,
        caseworker=caseworker,
        purpose=purpose,
        visited_on=visited_on or timezone.localdate(),
        findings=findings,
        next_follow_up_on=next_follow_up_on,
    )
    visit.full_clean()
    visit.save()
    log_change(actor=caseworker, instance=visit, action=ChangeLog.Action.CREATE, case_id=household.pk, source=source)
    return visit
