"""Who may do what with households, members, visits and the regions (registered in core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.permissions import (
    ADD,
    ARCHIVE,
    CHANGE,
    CHANGE_STATUS,
    EXPORT_FULL,
    REVEAL,
    VIEW,
    admin,
    any_role,
    casework,
    is_caseworker,
    is_supervisor,
    register,
    supervisor,
)
from households.models import Household, Kecamatan, Kelurahan, Person, PovertyLine, Visit

if TYPE_CHECKING:
    from core.permissions import Actor

ARCHIVED = _(
    "Rumah tangga ini diarsipkan, jadi datanya tidak diubah. Supervisor dapat mengeluarkannya dari arsip "
    "(dengan alasan) bila keluarga ini kembali ditangani."
)


def require_open(household: Household) -> None:
    """Refuse (403, with the reason) any change to an archived household's case data."""
    if household.is_archived:
        raise PermissionDenied(ARCHIVED)


def casework_open(user: Actor, household: Household | None = None) -> bool:
    """Case work on a household that is not archived: an archived one is read-only until unarchived,
    and the caseworker is told why."""
    if not casework(user):
        return False
    if household is not None:
        require_open(household)
    return True


def own_visit(user: Actor, visit: Visit | None) -> bool:
    if is_supervisor(user):
        return True
    return is_caseworker(user) and visit is not None and visit.caseworker_id == user.pk


def household_statuses_for(user: Actor, household: Household) -> list[tuple[str, Any]]:
    """The statuses this user may set on `household`. Graduation and extreme poverty (the official count) are
    decided by supervisors only: a caseworker who finds a family newly extreme poor sets "diusulkan", which opens
    a DTSEN proposal (households.services.household_change_status). A household waiting as "diusulkan" for its
    proposal's decision gets its status from that decision only; no one sets it by hand meanwhile."""
    waiting = household.dtsen_proposals.filter(state__in=("submitted", "deliberated")).exists()
    if waiting and household.status == Household.Status.PROPOSED:
        return []  # its proposal's decision sets it
    if is_supervisor(user):
        allowed = Household.Status.choices
        if waiting:
            allowed = [(value, label) for value, label in allowed if value != Household.Status.EXTREME_POOR]
    elif is_caseworker(user) and household.status != Household.Status.GRADUATED:
        decided_by_supervisors = (Household.Status.GRADUATED, Household.Status.EXTREME_POOR)
        allowed = [(value, label) for value, label in Household.Status.choices if value not in decided_by_supervisors]
    else:
        return []
    return [(value, label) for value, label in allowed if value != household.status]


def status_changeable(user: Actor, household: Household | None = None) -> bool:
    """Case work on an open household with a status this user may set (a caseworker has none on a graduated
    household: graduation is the supervisors' decision), so no "Ubah status" leads to a refusal."""
    return casework_open(user, household) and (household is None or bool(household_statuses_for(user, household)))


register(
    Household,
    {
        VIEW: any_role,
        ADD: casework,
        CHANGE: casework_open,
        CHANGE_STATUS: status_changeable,  # which statuses: household_statuses_for()
        # Caseworkers and supervisors work with identity documents; admins manage accounts and do not need them.
        REVEAL: casework,
        ARCHIVE: supervisor,
        EXPORT_FULL: supervisor,
    },
)
register(Person, {VIEW: any_role, ADD: casework, CHANGE: casework, REVEAL: casework})
register(Visit, {VIEW: any_role, ADD: casework, CHANGE: own_visit})
register(Kecamatan, {VIEW: any_role})
register(Kelurahan, {VIEW: any_role, CHANGE: admin})
register(PovertyLine, {VIEW: any_role, CHANGE: admin})
