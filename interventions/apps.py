from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Program dan intervensi")

    def ready(self) -> None:
        from interventions import jobs, rules  # noqa: F401 - registers this app's permission rules and jobs
