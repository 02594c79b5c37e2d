from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dasbor")

    def ready(self) -> None:
        from audit.casework import when_cases_change
        from dashboard import jobs  # noqa: F401 - registers the dashboard's check and repair jobs
        from dashboard.derived import refresh

        # Before every transaction that changed case rows commits, their derived data follows.
        when_cases_change(refresh)
