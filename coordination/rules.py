"""Who may assess needs, act on referrals and decide graduation (registered in core.permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.models import Assessment, DtsenProposal, GraduationProposal, Referral, ResponsibilityRule
from core.permissions import (
    ACT,
    ADD,
    CHANGE,
    DECIDE,
    EXPORT_FULL,
    REASSIGN,
    VIEW,
    admin,
    any_role,
    casework,
    is_caseworker,
    is_supervisor,
    register,
    supervisor,
)

if TYPE_CHECKING:
    from core.permissions import Actor


def addressed_opd(user: Actor, referral: Referral | None) -> bool:
    """Only users of the OPD a referral is addressed to act on it; supervisors may act on any."""
    if is_supervisor(user):
        return True
    return is_caseworker(user) and referral is not None and referral.opd_id == user.opd_id


register(Assessment, {VIEW: any_role, ADD: casework})
register(Referral, {VIEW: any_role, ACT: addressed_opd, REASSIGN: supervisor})
register(GraduationProposal, {VIEW: any_role, ADD: casework, DECIDE: supervisor})
register(ResponsibilityRule, {VIEW: any_role, CHANGE: admin})
# DTSEN proposals: caseworkers propose and record the kelurahan meeting; a Dinsos supervisor decides; the SIKS-NG
# workbook carries full NIKs, so only supervisors download it.
register(DtsenProposal, {VIEW: any_role, ADD: casework, ACT: casework, DECIDE: supervisor, EXPORT_FULL: supervisor})
