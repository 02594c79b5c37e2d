"""Writes to OPDs and user accounts, each recorded in the change log."""

import datetime
from collections import Counter
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Opd, PasswordResetRequest, User
from audit.models import ChangeLog
from audit.services import log_change, save_with_log, snapshot


@transaction.atomic
def opd_save(*, actor: User, opd: Opd | None = None, **fields: Any) -> Opd:
    """Create an OPD, or rename/deactivate one. Its records stay; its users cannot sign in while inactive."""
    return save_with_log(actor=actor, instance=opd or Opd(), **fields)


@transaction.atomic
def user_create(*, actor: User, password: str, must_change_password: bool = True, **fields: Any) -> User:
    """A new account with a temporary password the user must replace at first sign-in."""
    user = User(must_change_password=must_change_password, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    log_change(actor=actor, instance=user, action=ChangeLog.Action.CREATE)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Any) -> User:
    """Edit an account. Deactivating it ends all its sessions at once: every request re-checks `is_active`."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    log_change(actor=actor, instance=user, action=ChangeLog.Action.UPDATE, before=before)
    return user


def user_password_reset_path(user: User) -> str:
    """A one-time link to choose a new password; it stops working once used (the token hashes the password)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout of this username. Returns how many failure records were removed."""
    removed: int = axes_reset(username=user.username)  # django-axes ships no types
    log_change(actor=actor, instance=user, action=ChangeLog.Action.UPDATE, note="Kunci masuk dibuka oleh admin")
    return removed


@transaction.atomic
def password_reset_recipients(*, users: list[User], ip_address: str | None) -> list[User]:
    """Which of `users` (the accounts matching a reset form's email) may be mailed a reset link now, and
    the request recorded. Nobody once `ip_address` has had PASSWORD_RESET_LIMIT_PER_ADDRESS requests acted
    on within the hour; no account already mailed PASSWORD_RESET_LIMIT_PER_ACCOUNT times within the hour.
    A request refused for its address is not recorded, so a flood does not keep it blocked past the hour."""
    now = timezone.now()
    recent = PasswordResetRequest.objects.filter(requested_at__gt=now - datetime.timedelta(hours=1))
    # Old rows count for nothing any more; keep the table to the last day.
    PasswordResetRequest.objects.filter(requested_at__lt=now - datetime.timedelta(days=1)).delete()
    from_address = recent.filter(ip_address=ip_address) if ip_address else recent.filter(ip_address__isnull=True)
    if from_address.count() >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        return []
    mailed = Counter(recent.filter(user__in=users).values_list("user_id", flat=True))
    recipients = [user for user in users if mailed[user.pk] < settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT]
    PasswordResetRequest.objects.bulk_create(
        [PasswordResetRequest(requested_at=now, ip_address=ip_address, user=user) for user in recipients]
        or [PasswordResetRequest(requested_at=now, ip_address=ip_address)]
    )
    return recipients
