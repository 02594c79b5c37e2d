from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Koordinasi antar-OPD")

    def ready(self) -> None:
        from coordination import jobs, rules  # noqa: F401 - registers this app's permission rules and jobs
