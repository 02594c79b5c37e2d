"""Issuing and revoking API tokens. Each is an admin's change, recorded in the change log."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Opd, User
from api.models import ApiToken, digest, new_secret
from audit.models import ChangeLog
from audit.services import log_change, snapshot
from core.errors import DomainError
from core.roles import Role


@transaction.atomic
def token_issue(*, actor: User, name: str, opd: Opd, scope: str, rate_per_minute: int = 120) -> tuple[ApiToken, str]:
    """A new token for one OPD's system and its own account (a caseworker of that OPD, with no password: it
    cannot sign in to the pages). Returns the token and its secret, which is shown once and never stored."""
    if not opd.is_active:
        raise DomainError(_("OPD ini tidak aktif; token tidak dapat dibuat."))
    secret = new_secret()
    prefix = secret[: len("pkr_") + 8]
    account = User(
        username=f"api-{prefix[4:].lower()}",
        first_name=_("Integrasi"),
        last_name=name[:150],
        opd=opd,
        role=Role.CASEWORKER,
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    token = ApiToken.objects.create(
        name=name,
        opd=opd,
        scope=scope,
        account=account,
        prefix=prefix,
        key_digest=digest(secret),
        rate_per_minute=rate_per_minute,
        created_by=actor,
    )
    log_change(actor=actor, instance=token, action=ChangeLog.Action.CREATE)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """The token stops working at once; its account is deactivated. Nothing it recorded changes."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise DomainError(_("Token ini sudah dicabut."))
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=token.account_id).update(is_active=False)
    log_change(
        actor=actor,
        instance=token,
        action=ChangeLog.Action.UPDATE,
        before=before,
        note=_("Token dicabut"),
    )
    return token
