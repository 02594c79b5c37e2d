from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.models import ChangeLog
from core import permissions
from core.urls import fixed_path
from dashboard.selectors import open_referrals
from imports.models import ImportBatch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def navigation(request: HttpRequest) -> dict:
    """The navigation bar: only the pages the signed-in user's role may open (none while a temporary password
    must be changed: the middleware would send every one back to the password page)."""
    user = getattr(request, "user", None)
    if user is None or not permissions.has_role(user) or getattr(user, "must_change_password", False):
        return {"nav_items": [], "works_offline": False}
    items: list[tuple[StrOrPromise, str]] = [
        (_("Beranda"), fixed_path("home")),
        (_("Dasbor"), fixed_path("dashboard:index")),
        (_("Registri"), fixed_path("cases:registry")),
    ]
    if permissions.is_caseworker(user) or permissions.is_supervisor(user):
        items.append((_("Pekerjaan saya"), fixed_path("cases:my_work")))
        count = open_referrals(opd_id=user.opd_id if permissions.is_caseworker(user) else None)
        items.append((_("Rujukan (%(n)d)") % {"n": count} if count else _("Rujukan"), fixed_path("coordination:inbox")))
    items.append((_("Intervensi"), fixed_path("interventions:list")))
    if permissions.is_caseworker(user) or permissions.is_supervisor(user):
        items.append((_("Usulan DTSEN"), fixed_path("coordination:proposals")))
    if permissions.is_supervisor(user):
        items.append((_("Graduasi"), fixed_path("coordination:graduations")))
    if permissions.has_perm(user, permissions.VIEW, ImportBatch):
        items.append((_("Impor"), fixed_path("imports:list")))
    if permissions.has_perm(user, permissions.VIEW, ChangeLog):
        items.append((_("Jejak audit"), fixed_path("audit:changes")))
    if permissions.is_admin(user):
        items.append((_("Administrasi"), fixed_path("accounts:admin_home")))
    if user.is_superuser:
        # Django's own admin site, named for what it is next to the app's "Administrasi" (as on that page).
        items.append((_("Data mentah (Django admin)"), fixed_path("admin:index")))
    # Casework roles get the field app: its manifest, service worker and the offline copy's wipe on sign-out.
    works_offline = permissions.is_caseworker(user) or permissions.is_supervisor(user)
    return {"nav_items": items, "works_offline": works_offline}
