"""Write the change log. Services call `log_change` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
import ipaddress
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from audit.casework import touched
from audit.models import AccessLog, ChangeLog

if TYPE_CHECKING:
    from accounts.models import User
    from core.permissions import Actor

M = TypeVar("M", bound=models.Model)

# Bookkeeping columns that change on every save and say nothing to a reader. Non-editable
# fields (versions, timestamps, derived summaries and search columns) are skipped as well.
IGNORED_FIELDS = {"id", "status_changed_at"}
# Secrets never reach the change log, not even hashed: a change is noted, the value is not.
SECRET_FIELDS = {"password"}
HIDDEN = "••••••"


def _display(instance: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return None
    if field.name in SECRET_FIELDS:
        return HIDDEN
    if field.is_relation:
        return str(getattr(instance, field.name))
    return display_value(field, value)


def display_value(field: models.Field[Any, Any], value: Any) -> Any:
    """How the change log shows a raw value of `field` (choice labels, ISO dates)."""
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Readable values of the concrete fields of `instance`, keyed by field name."""
    return {
        field.name: _display(instance, field)
        for field in instance._meta.concrete_fields
        if field.editable and field.name not in IGNORED_FIELDS
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def case_id_of(instance: models.Model) -> int | None:
    """The household (case) a record belongs to: itself for a household, else its `household_id`."""
    is_household = instance._meta.label == "households.Household"
    case_id: int | None = instance.pk if is_household else getattr(instance, "household_id", None)
    return case_id


def log_change(
    *,
    actor: Actor | None,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    case_id: int | None = None,
    note: str = "",
    source: str = "web",
) -> ChangeLog | None:
    """Record a create/update/delete of `instance`. Returns None when an update changed nothing.

    A change to a case (`case_id`) must happen inside a `audit.casework.case_write` service, which
    brings the dashboard's tallies of that household up to date before the transaction commits.
    """
    if case_id is not None:
        touched(case_id)
    if action == ChangeLog.Action.DELETE:
        changes = {name: [value, None] for name, value in (before or snapshot(instance)).items() if value is not None}
    elif action == ChangeLog.Action.CREATE:
        changes = {name: [None, value] for name, value in snapshot(instance).items() if value is not None}
    else:
        changes = diff(before or {}, snapshot(instance))
        if not changes and not note:
            return None
    return ChangeLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        case_id=case_id,
        changes=changes,
        note=note,
        source=source[:100],
    )


def save_with_log(
    *,
    actor: User,
    instance: M,
    source: str = "web",
    note: str = "",
    fields: dict[str, Any] | None = None,
    **changes: Any,
) -> M:
    """Apply `changes` (and `fields`, for a model whose field names clash with this function's, such as a
    poverty line's `source`), validate, save, and record the create or update: the common write of a service.

    For an update, pass the record as stored (not one a form has already changed), so the log's
    "before" values are right.
    """
    creating = instance._state.adding
    before = None if creating else snapshot(instance)
    for name, value in {**(fields or {}), **changes}.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    log_change(
        actor=actor,
        instance=instance,
        action=ChangeLog.Action.CREATE if creating else ChangeLog.Action.UPDATE,
        before=before,
        case_id=case_id_of(instance),
        note=note,
        source=source,
    )
    return instance


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the access log and the sign-in lockout (AXES_CLIENT_IP_CALLABLE).

    X-Forwarded-For is believed only from a proxy named in TRUSTED_PROXIES: the answer is the rightmost
    address in it that is not such a proxy, the nearest hop only a trusted proxy vouches for. Anyone
    else (a client reaching gunicorn directly) is known by the address of its own connection.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]

    def is_trusted(address: str | None) -> bool:
        try:
            return any(ipaddress.ip_address(address or "") in network for network in trusted)
        except ValueError:
            return False

    if not is_trusted(remote):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if not is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # not an address: the proxy's own is the last one known for sure
                return remote
    return remote


def log_access(
    *,
    request: HttpRequest,
    kind: str,
    instance: models.Model | None = None,
    field: str = "",
    detail: dict[str, Any] | None = None,
) -> AccessLog:
    """Record that `request.user` saw (or exported) personal data."""
    if not request.user.is_authenticated:  # personal data is shown to signed-in users only
        raise PermissionDenied
    return AccessLog.objects.create(
        actor=request.user,
        kind=kind,
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=instance.pk if instance is not None else None,
        object_repr=str(instance)[:200] if instance is not None else "",
        case_id=case_id_of(instance) if instance is not None else None,
        field=field,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        detail=detail or {},
    )


def log_access_many(*, request: HttpRequest, kind: str, shown: list[tuple[models.Model, str]]) -> None:
    """`log_access` for many records at once (the API's list with `reveal`): one row per record and field, in
    one insert."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    ip_address, agent = client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:200]
    AccessLog.objects.bulk_create(
        AccessLog(
            actor=request.user,
            kind=kind,
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            object_repr=str(instance)[:200],
            case_id=case_id_of(instance),
            field=field,
            ip_address=ip_address,
            user_agent=agent,
        )
        for instance, field in shown
    )
