from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dasbor")

    def ready(self) -> None:
        from audit.casework import when_cases_change
        from dashboard.tallies import refresh

        # Every service that changes a case refreshes that household's tallies before it commits.
        when_cases_change(refresh)
