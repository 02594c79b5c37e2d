from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from poverty import permissions


def navigation(request: HttpRequest) -> dict:
    """The navigation bar: only the pages the signed-in user's role may open."""
    user = getattr(request, "user", None)
    if user is None or not permissions.has_role(user):
        return {"nav_items": []}
    items = [(_("Beranda"), reverse("home"))]
    if user.is_superuser:
        items.append((_("Admin Django"), reverse("admin:index")))
    return {"nav_items": items}
