"""Who may record and change interventions, and manage programmes (registered in core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.permissions import ADD, CHANGE, VIEW, admin, any_role, is_caseworker, is_supervisor, register
from interventions.models import Intervention, Program

if TYPE_CHECKING:
    from core.permissions import Actor


def own_opd(user: Actor, obj: Intervention | Program | None) -> bool:
    """Supervisors act for every OPD; a caseworker only for programmes of their own OPD."""
    if is_supervisor(user):
        return True
    return is_caseworker(user) and obj is not None and obj.opd_id == user.opd_id


def programs_for(user: Actor) -> QuerySet[Program]:
    """The active programmes this user may record interventions for."""
    programs = Program.objects.filter(is_active=True).select_related("opd")
    if is_supervisor(user):
        return programs
    if is_caseworker(user) and user.opd_id is not None:  # a programme always has its OPD
        return programs.filter(opd_id=user.opd_id)
    return programs.none()


register(
    Intervention,
    {
        VIEW: any_role,
        # For ADD, the object is the programme to be recorded.
        ADD: own_opd,
        CHANGE: own_opd,
    },
)
register(Program, {VIEW: any_role, CHANGE: admin})
