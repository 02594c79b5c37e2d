from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Riwayat perubahan")

    def ready(self) -> None:
        from audit import rules  # noqa: F401 - registers this app's permission rules
