"""Writes to OPDs and user accounts, each recorded in the change log."""

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Opd, User
from audit.models import ChangeLog
from audit.services import log_change, save_with_log, snapshot


@transaction.atomic
def opd_save(*, actor, opd: Opd | None = None, **fields: Any) -> Opd:
    """Create an OPD, or rename/deactivate one. Its records stay; its users cannot sign in while inactive."""
    return save_with_log(actor=actor, instance=opd or Opd(), **fields)


@transaction.atomic
def user_create(*, actor, password: str, must_change_password: bool = True, **fields: Any) -> User:
    """A new account with a temporary password the user must replace at first sign-in."""
    user = User(must_change_password=must_change_password, **fields)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    log_change(actor=actor, instance=user, action=ChangeLog.Action.CREATE)
    return user


@transaction.atomic
def user_update(*, actor, user: User, **fields: Any) -> User:
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
def user_unlock(*, actor, user: User) -> int:
    """Lift a sign-in lockout of this username. Returns how many failure records were removed."""
    removed = axes_reset(username=user.username)
    log_change(actor=actor, instance=user, action=ChangeLog.Action.UPDATE, note="Kunci masuk dibuka oleh admin")
    return removed
