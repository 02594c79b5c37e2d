"""Writes to interventions. Each function is one transaction (the bulk record: one per chunk of recipients)
and leaves a history row."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.casework import case_scope, case_write
from audit.locking import claim_version
from audit.models import ChangeLog
from audit.services import log_change, save_with_log
from core.errors import DomainError
from households.models import Household, Person
from households.services import ensure_open
from interventions.models import Intervention, Period, Program, Target

logger = logging.getLogger(__name__)


@case_write
def intervention_record(
    *,
    program: Program,
    recorded_by: User,
    person: Person | None = None,
    household: Household | None = None,
    planned_on: datetime.date | None = None,
    amount: int | None = None,
    quantity: Decimal | None = None,
    notes: str = "",
    source: str = "web",
) -> Intervention:
    """Plan a programme for a person (or, for household programmes, a household)."""
    if not program.is_active:
        raise DomainError(_("Program %(name)s tidak aktif.") % {"name": program.name})
    if household is None and person is not None:
        household = person.household
    if household is None:
        raise DomainError(_("Pilih penerima intervensi."))
    if program.target == Target.PERSON and person is None:
        raise DomainError(_("Program %(name)s untuk perorangan: pilih anggota penerima.") % {"name": program.name})
    ensure_open(household.pk)
    intervention = Intervention(
        program=program,
        opd_id=program.opd_id,
        person=person,
        household=household,
        planned_on=planned_on or timezone.localdate(),
        amount=amount,
        quantity=quantity,
        notes=notes,
        recorded_by=recorded_by,
    )
    intervention.full_clean()
    intervention.save()
    log_change(
        actor=recorded_by,
        instance=intervention,
        action=ChangeLog.Action.CREATE,
        case_id=intervention.household_id,
        source=source,
    )
    return intervention


@case_write
def intervention_transition(
    *,
    intervention: Intervention,
    status: str,
    actor: User,
    delivered_on: datetime.date | None = None,
    cancel_reason: str = "",
    amount: int | None = None,
    expected_version: int | None = None,
    source: str = "web",
) -> Intervention:
    """Move an intervention along planned -> in progress -> delivered, or cancel it. A form names the
    version it was opened on (`expected_version`); a workflow acting on the stored record leaves it out."""
    if expected_version is not None:
        claim_version(Intervention, intervention.pk, expected_version)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if status not in Intervention.TRANSITIONS.get(intervention.status, set()):
        raise DomainError(
            _("Status %(from)s tidak dapat diubah menjadi %(to)s.")
            % {
                "from": intervention.get_status_display(),
                "to": dict(Intervention.Status.choices).get(status, status),
            }
        )
    changes: dict[str, Any] = {"status": status, "status_changed_at": timezone.now()}
    if status == Intervention.Status.DELIVERED:
        changes["delivered_on"] = delivered_on
        if amount is not None:
            changes["amount"] = amount
    if status == Intervention.Status.CANCELLED:
        changes["cancel_reason"] = (cancel_reason or "").strip()
    if expected_version is None:
        changes["version"] = intervention.version + 1
    return save_with_log(
        actor=actor, instance=intervention, source=source, note=changes.get("cancel_reason", ""), **changes
    )


@case_write
def intervention_record_delivered(
    *,
    program: Program,
    recorded_by: User,
    delivered_on: datetime.date,
    person: Person | None = None,
    household: Household | None = None,
    amount: int | None = None,
    quantity: Decimal | None = None,
    notes: str = "",
    source: str = "web",
) -> Intervention:
    """Record a programme already handed over, in one step: recorded (planned on the delivery day, as the
    period checks count it) and delivered in the same transaction, each step in the change log."""
    intervention = intervention_record(
        program=program,
        recorded_by=recorded_by,
        person=person,
        household=household,
        planned_on=delivered_on,
        amount=amount,
        quantity=quantity,
        notes=notes,
        source=source,
    )
    return intervention_transition(
        intervention=intervention,
        status=Intervention.Status.DELIVERED,
        actor=recorded_by,
        delivered_on=delivered_on,
        source=source,
    )


# Recipients recorded per transaction by `intervention_record_many`.
BULK_CHUNK = 25


@dataclass
class BulkRecord:
    """What `intervention_record_many` recorded, and what it did not and why."""

    recorded: list[Intervention] = field(default_factory=list)
    not_recorded: list[Person] = field(default_factory=list)
    refusal: DomainError | ValidationError | None = None  # why `not_recorded` were not recorded

    @property
    def reason(self) -> str:
        if isinstance(self.refusal, ValidationError):
            return " ".join(self.refusal.messages)
        return "" if self.refusal is None else str(self.refusal)


def intervention_record_many(
    *,
    program: Program,
    persons: Iterable[Person],
    recorded_by: User,
    planned_on: datetime.date,
    delivered: bool = False,
    amount: int | None = None,
    notes: str = "",
    source: str = "web",
) -> BulkRecord:
    """Record a programme for many persons (planned on `planned_on`, or delivered that day), BULK_CHUNK
    persons per transaction. Each transaction is whole — the interventions, their change log, the derived
    numbers and tallies, refreshed once at its end — and commits on its own, so the tally rows of the
    kelurahan and OPD are held for a moment per chunk, not for the whole list, by a write others wait on.

    The first chunk refused (or failing in the database) is rolled back whole and ends the work: the result
    names the persons recorded and those not. Call it outside any transaction (a chunk is `durable`)."""
    people = sorted(persons, key=lambda person: (person.household_id, person.pk))
    result = BulkRecord()
    for start in range(0, len(people), BULK_CHUNK):
        chunk = people[start : start + BULK_CHUNK]
        try:
            with case_scope(durable=True):
                done = [
                    intervention_record_delivered(
                        program=program,
                        person=person,
                        delivered_on=planned_on,
                        amount=amount,
                        notes=notes,
                        recorded_by=recorded_by,
                        source=source,
                    )
                    if delivered
                    else intervention_record(
                        program=program,
                        person=person,
                        planned_on=planned_on,
                        amount=amount,
                        notes=notes,
                        recorded_by=recorded_by,
                        source=source,
                    )
                    for person in chunk
                ]
        except (DomainError, ValidationError) as refusal:
            result.refusal = refusal
        except DatabaseError:
            logger.exception("Bulk record of %s stopped after %d persons", program, len(result.recorded))
            result.refusal = DomainError(_("Penyimpanan gagal karena gangguan pada basis data. Coba simpan lagi."))
        if result.refusal is not None:
            result.not_recorded = people[start:]
            break
        result.recorded += done
    return result


def same_period_interventions(
    *, program: Program, on: datetime.date, person: Person | None = None, household: Household | None = None
) -> models.QuerySet[Intervention]:
    """Interventions of `program` for the same recipient in the programme's period around `on`.

    Recording another one is allowed, but only after the user confirms it is not a duplicate.
    """
    found = Intervention.objects.filter(program=program).exclude(status=Intervention.Status.CANCELLED)
    found = (
        found.filter(person=person) if person is not None else found.filter(household=household, person__isnull=True)
    )
    if program.period == Period.ONCE:
        return found
    if program.period == Period.YEAR:
        return found.filter(planned_on__year=on.year)
    if program.period == Period.QUARTER:
        quarter_start = datetime.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
        quarter_end = datetime.date(on.year + (quarter_start.month == 10), (quarter_start.month + 2) % 12 + 1, 1)
        return found.filter(planned_on__gte=quarter_start, planned_on__lt=quarter_end)
    return found.filter(planned_on__year=on.year, planned_on__month=on.month)


@case_write
def intervention_update(
    *, intervention: Intervention, actor: User, expected_version: int, source: str = "web", **changes: Any
) -> Intervention:
    """Correct the plan of an intervention (date, amount, quantity, notes); status moves by transition.
    Refused when someone saved the intervention after `expected_version` was read."""
    claim_version(Intervention, intervention.pk, expected_version)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if unknown := set(changes) - {"planned_on", "amount", "quantity", "notes"}:
        raise DomainError(_("Kolom %(name)s tidak dapat diubah di sini.") % {"name": ", ".join(sorted(unknown))})
    return save_with_log(actor=actor, instance=intervention, source=source, **changes)


@case_write
def program_save(*, actor: User, program: Program | None = None, **fields: Any) -> Program:
    return save_with_log(actor=actor, instance=program or Program(), **fields)
