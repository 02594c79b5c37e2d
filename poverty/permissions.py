"""The one place that decides who may do what. Views ask here; nothing else decides.

Roles (accounts.Role):
- admin: manages OPDs, users, programmes and reference data; reads case data.
- supervisor (Dinsos): reads and changes all case data, approves, sees dashboards and the audit log.
- caseworker: reads all households (targeting needs it), registers households and members,
  records visits (changes only their own) and interventions of their own OPD's programmes.

A record the user may not see at all answers 404; a visible record they may not change answers 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd, Role, User
from audit.models import AccessLog, ChangeLog
from coordination.models import Assessment, GraduationProposal, Referral, ResponsibilityRule
from households.models import Household, Kecamatan, Kelurahan, Person, PovertyLine, Visit
from imports.models import ImportBatch
from interventions.models import Intervention, Program

VIEW, ADD, CHANGE, CHANGE_STATUS = "view", "add", "change", "change_status"
# See a full NIK / No. KK (recorded in the access log); archive a household that left the programme;
# export lists that carry full identity numbers.
REVEAL, ARCHIVE, EXPORT_FULL = "reveal", "archive", "export_full"
# Referrals: act on one addressed to my OPD; send a declined one to another OPD. Graduation: decide.
ACT, REASSIGN, DECIDE = "act", "reassign", "decide"


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.opd_id is not None and not user.opd.is_active:
        return None
    return user.role


def is_admin(user) -> bool:
    return _role(user) == Role.ADMIN


def is_supervisor(user) -> bool:
    return _role(user) == Role.SUPERVISOR


def is_caseworker(user) -> bool:
    return _role(user) == Role.CASEWORKER


def has_role(user) -> bool:
    return _role(user) in Role.values


def may_open_case_admin(user) -> bool:
    """Django admin bypasses the rules below, so only superusers reach case records there (masked, like
    the app). A staff account given model permissions does not: casework happens in the app."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def _any_role(user, obj=None) -> bool:
    return has_role(user)


def _casework(user, obj=None) -> bool:
    return is_supervisor(user) or is_caseworker(user)


def _supervisor(user, obj=None) -> bool:
    return is_supervisor(user)


def _admin(user, obj=None) -> bool:
    return is_admin(user)


def _oversight(user, obj=None) -> bool:
    return is_supervisor(user) or is_admin(user)


ARCHIVED = _(
    "Rumah tangga ini diarsipkan, jadi datanya tidak diubah. Supervisor dapat mengeluarkannya dari arsip "
    "(dengan alasan) bila keluarga ini kembali ditangani."
)


def _casework_open(user, household: Household | None) -> bool:
    """Case work on a household that is not archived: an archived one is read-only until unarchived."""
    return _casework(user) and not (household is not None and household.is_archived)


def require_open(household: Household) -> None:
    """Refuse (403, with the reason) any change to an archived household's case data."""
    if household.is_archived:
        raise PermissionDenied(ARCHIVED)


def _own_visit(user, visit: Visit | None) -> bool:
    if is_supervisor(user):
        return True
    return is_caseworker(user) and visit is not None and visit.caseworker_id == user.pk


def _addressed_opd(user, referral) -> bool:
    """Only users of the OPD a referral is addressed to act on it; supervisors may act on any."""
    if is_supervisor(user):
        return True
    return is_caseworker(user) and referral is not None and referral.opd_id == user.opd_id


def _own_opd(user, obj: Intervention | Program | None) -> bool:
    """Supervisors act for every OPD; a caseworker only for programmes of their own OPD."""
    if is_supervisor(user):
        return True
    return is_caseworker(user) and obj is not None and obj.opd_id == user.opd_id


Rule = Callable[[Any, Any], bool]

RULES: dict[tuple[type[models.Model], str], Rule] = {
    (Household, VIEW): _any_role,
    (Household, ADD): _casework,
    (Household, CHANGE): _casework_open,
    (Household, CHANGE_STATUS): _casework_open,  # which statuses: household_statuses_for()
    # Caseworkers and supervisors work with identity documents; admins manage accounts and do not need them.
    (Household, REVEAL): _casework,
    (Household, ARCHIVE): _supervisor,
    (Household, EXPORT_FULL): _supervisor,
    (Person, VIEW): _any_role,
    (Person, ADD): _casework,
    (Person, CHANGE): _casework,
    (Person, REVEAL): _casework,
    (Visit, VIEW): _any_role,
    (Visit, ADD): _casework,
    (Visit, CHANGE): _own_visit,
    (Intervention, VIEW): _any_role,
    # For ADD, the object is the programme to be recorded.
    (Intervention, ADD): _own_opd,
    (Intervention, CHANGE): _own_opd,
    (Program, VIEW): _any_role,
    (Program, CHANGE): _admin,
    (Opd, VIEW): _any_role,
    (Opd, CHANGE): _admin,
    (User, VIEW): _admin,
    (User, CHANGE): _admin,
    (Kecamatan, VIEW): _any_role,
    (Kelurahan, VIEW): _any_role,
    (Kelurahan, CHANGE): _admin,
    (ChangeLog, VIEW): _oversight,
    (AccessLog, VIEW): _oversight,
    (Assessment, ADD): _casework,
    (Referral, VIEW): _any_role,
    (Referral, ACT): _addressed_opd,
    (Referral, REASSIGN): _supervisor,
    (GraduationProposal, VIEW): _any_role,
    (GraduationProposal, ADD): _casework,
    (GraduationProposal, DECIDE): _supervisor,
    (ResponsibilityRule, VIEW): _any_role,
    (ResponsibilityRule, CHANGE): _admin,
    (ImportBatch, VIEW): _oversight,
    (ImportBatch, ADD): _oversight,
    (PovertyLine, VIEW): _any_role,
    (PovertyLine, CHANGE): _admin,
}


def programs_for(user) -> models.QuerySet[Program]:
    """The active programmes this user may record interventions for."""
    programs = Program.objects.filter(is_active=True).select_related("opd")
    if is_supervisor(user):
        return programs
    if is_caseworker(user):
        return programs.filter(opd_id=user.opd_id)
    return programs.none()


def household_statuses_for(user, household: Household) -> list[tuple[str, str]]:
    """The statuses this user may set on `household`; graduation is decided by supervisors only."""
    if is_supervisor(user):
        allowed = Household.Status.choices
    elif is_caseworker(user) and household.status != Household.Status.GRADUATED:
        allowed = [(value, label) for value, label in Household.Status.choices if value != Household.Status.GRADUATED]
    else:
        return []
    return [(value, label) for value, label in allowed if value != household.status]


def has_perm(user, action: str, target: models.Model | type[models.Model], obj: Any = None) -> bool:
    """May `user` do `action` on `target` (an instance, or a model class for list/add)?

    `obj` carries what a class-level check needs, e.g. the programme for adding an intervention.
    """
    model = target if isinstance(target, type) else type(target)
    rule = RULES.get((model, action))
    if rule is None:
        return False
    return bool(rule(user, obj if isinstance(target, type) else target))


def can_view(user, obj: models.Model) -> bool:
    return has_perm(user, VIEW, obj)


def can_change(user, obj: models.Model) -> bool:
    return has_perm(user, CHANGE, obj)


M = TypeVar("M", bound=models.Model)


def get_object_for(user, queryset: models.QuerySet[M] | type[M], pk: Any, action: str = VIEW) -> M:
    """Fetch and authorize in one call: 404 if missing or not visible, 403 if visible but not allowed."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view(user, obj):
        raise Http404
    if action != VIEW and not has_perm(user, action, obj):
        if isinstance(obj, Household) and action in (CHANGE, CHANGE_STATUS) and _casework(user):
            require_open(obj)
        raise PermissionDenied
    return obj


def role_required(check: Callable[[Any], bool]) -> Callable:
    """Decorator: anonymous users go to the login page, signed-in users failing `check` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


signed_in = role_required(has_role)


def permission_required(action: str, model: type[models.Model]) -> Callable:
    """Decorator for views that act on a kind of record rather than one record (lists, create forms)."""
    return role_required(lambda user: has_perm(user, action, model))
