from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Registri dan berkas kasus")

    def ready(self) -> None:
        from cases import jobs  # noqa: F401 - registers the registry's export job
