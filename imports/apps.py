from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Impor daftar DTSEN/P3KE/DTKS")

    def ready(self) -> None:
        from imports import jobs, rules  # noqa: F401 - registers this app's permission rules and jobs
