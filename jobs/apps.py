from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Pekerjaan latar belakang")

    def ready(self) -> None:
        from jobs import rules  # noqa: F401 - registers this app's permission rules
