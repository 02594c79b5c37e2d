from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the app; `core.permissions` decides from it (accounts.User.role stores it)."""

    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor Dinsos")
    CASEWORKER = "caseworker", _("Pendamping")
