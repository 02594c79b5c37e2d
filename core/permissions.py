"""The one place that decides who may do what. Views ask here; nothing else decides.

Roles (core.roles.Role):
- admin: manages OPDs, users, programmes and reference data; reads case data.
- supervisor (Dinsos): reads and changes all case data, approves, sees dashboards and the audit log.
- caseworker: reads all households (targeting needs it), registers households and members,
  records visits (changes only their own) and interventions of their own OPD's programmes.

The rules form one table, `RULES`: (model, action) -> rule. Each app registers the rules for its own models
in its `rules.py` (loaded by its AppConfig.ready), so this module imports no app. A rule answers True/False,
or raises PermissionDenied with a reason the user should read (e.g. an archived household).

A record the user may not see at all answers 404; a visible record they may not change answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase

from core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Actor = User | AnonymousUser

VIEW, ADD, CHANGE, CHANGE_STATUS = "view", "add", "change", "change_status"
# See a full NIK / No. KK (recorded in the access log); archive a household that left the programme;
# export lists that carry full identity numbers.
REVEAL, ARCHIVE, EXPORT_FULL = "reveal", "archive", "export_full"
# Referrals: act on one addressed to my OPD; send a declined one to another OPD. Graduation: decide.
ACT, REASSIGN, DECIDE = "act", "reassign", "decide"


def _role(user: Actor) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    # request.user is a lazy proxy (set up by now): read the account behind it, not each attribute through the
    # proxy; a page asks this some forty times.
    account = cast("User", getattr(user, "_wrapped", user))
    if not account.is_active:
        return None
    if account.opd is not None and not account.opd.is_active:  # no query when opd_id is None
        return None
    return account.role


# A user with a role is a signed-in, active account: `TypeGuard[User]` lets the type checker know it too.
def is_admin(user: Actor) -> TypeGuard[User]:
    return _role(user) == Role.ADMIN


def is_supervisor(user: Actor) -> TypeGuard[User]:
    return _role(user) == Role.SUPERVISOR


def is_caseworker(user: Actor) -> TypeGuard[User]:
    return _role(user) == Role.CASEWORKER


def has_role(user: Actor) -> TypeGuard[User]:
    return _role(user) in Role.values


def may_open_case_admin(user: Actor) -> bool:
    """Django admin bypasses the rules below, so only superusers reach case records there (masked, like
    the app). A staff account given model permissions does not: casework happens in the app."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


# The building blocks the apps' rules are made of. `obj` is the record (or, for a class-level check, what
# the check needs, e.g. the programme for adding an intervention).
def any_role(user: Actor, obj: Any = None) -> bool:
    return has_role(user)


def casework(user: Actor, obj: Any = None) -> bool:
    return is_supervisor(user) or is_caseworker(user)


def supervisor(user: Actor, obj: Any = None) -> bool:
    return is_supervisor(user)


def admin(user: Actor, obj: Any = None) -> bool:
    return is_admin(user)


def oversight(user: Actor, obj: Any = None) -> bool:
    return is_supervisor(user) or is_admin(user)


Rule = Callable[[Any, Any], bool]

RULES: dict[tuple[type[models.Model], str], Rule] = {}


def register(model: type[models.Model], rules: dict[str, Rule]) -> None:
    """Add `model`'s rules to the table: {action: rule}. A (model, action) is registered once."""
    for action, rule in rules.items():
        key = (model, action)
        if key in RULES and RULES[key] is not rule:
            raise ValueError(f"{model.__name__}/{action} already has a rule")
        RULES[key] = rule


def check(user: Actor, action: str, target: models.Model | type[models.Model], obj: Any = None) -> None:
    """Raise PermissionDenied (with the rule's reason, if it gave one) unless `user` may do it."""
    model = target if isinstance(target, type) else type(target)
    rule = RULES.get((model, action))
    if rule is None or not rule(user, obj if isinstance(target, type) else target):
        raise PermissionDenied


def has_perm(user: Actor, action: str, target: models.Model | type[models.Model], obj: Any = None) -> bool:
    """May `user` do `action` on `target` (an instance, or a model class for list/add)?

    `obj` carries what a class-level check needs, e.g. the programme for adding an intervention.
    """
    try:
        check(user, action, target, obj)
    except PermissionDenied:
        return False
    return True


def can_view(user: Actor, obj: models.Model) -> bool:
    return has_perm(user, VIEW, obj)


def can_change(user: Actor, obj: models.Model) -> bool:
    return has_perm(user, CHANGE, obj)


M = TypeVar("M", bound=models.Model)


def get_object_for(user: Actor, queryset: models.QuerySet[M] | type[M], pk: Any, action: str = VIEW) -> M:
    """Fetch and authorize in one call: 404 if missing or not visible, 403 if visible but not allowed."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):  # the model's DoesNotExist among them
        raise Http404 from None
    if not can_view(user, obj):
        raise Http404
    if action != VIEW:
        check(user, action, obj)
    return obj


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def role_required(test: Callable[[Actor], bool]) -> Callable[[View], View]:
    """Decorator: anonymous users go to the login page, signed-in users failing `test` get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, wrapped)  # the same view, with the check in front

    return decorator


signed_in = role_required(has_role)


def permission_required(action: str, model: type[models.Model]) -> Callable[[View], View]:
    """Decorator for views that act on a kind of record rather than one record (lists, create forms)."""
    return role_required(lambda user: has_perm(user, action, model))
