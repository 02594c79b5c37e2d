"""Writes to interventions. Each function is one transaction and leaves a history row."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeLog
from audit.services import log_change, snapshot
from households.models import Household, Person
from interventions.models import Intervention, Program, Target
from poverty.errors import DomainError


@transaction.atomic
def intervention_record(
    *,
    program: Program,
    recorded_by,
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
    if person is None and household is None:
        raise DomainError(_("Pilih penerima intervensi."))
    if program.target == Target.PERSON and person is None:
        raise DomainError(_("Program %(name)s untuk perorangan: pilih anggota penerima.") % {"name": program.name})
    intervention = Intervention(
        program=program,
        opd_id=program.opd_id,
        person=person,
        household=household or person.household,
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


@transaction.atomic
def intervention_transition(
    *,
    intervention: Intervention,
    status: str,
    actor,
    delivered_on: datetime.date | None = None,
    cancel_reason: str = "",
    amount: int | None = None,
    source: str = "web",
) -> Intervention:
    """Move an intervention along planned -> in progress -> delivered, or cancel it."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if status not in Intervention.TRANSITIONS.get(intervention.status, set()):
        raise DomainError(
            _("Status %(from)s tidak dapat diubah menjadi %(to)s.")
            % {
                "from": intervention.get_status_display(),
                "to": dict(Intervention.Status.choices).get(status, status),
            }
        )
    before = snapshot(intervention)
    intervention.status = status
    intervention.status_changed_at = timezone.now()
    if status == Intervention.Status.DELIVERED:
        intervention.delivered_on = delivered_on
        if amount is not None:
            intervention.amount = amount
    if status == Intervention.Status.CANCELLED:
        intervention.cancel_reason = (cancel_reason or "").strip()
    intervention.version += 1
    intervention.full_clean()
    intervention.save()
    log_change(
        actor=actor,
        instance=intervention,
        action=ChangeLog.Action.UPDATE,
        before=before,
        case_id=intervention.household_id,
        note=intervention.cancel_reason,
        source=source,
    )
    return intervention
