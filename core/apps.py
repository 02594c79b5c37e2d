from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app may import, and which imports no app: permissions, submit-once, forms, filters,
    exports, dates, search and template tags."""

    name = "core"
    verbose_name = _("Inti")
