from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data: `seed_demo` (the city's 2024 picture) and `seed_scale` (a million persons)."""

    name = "demo"
    verbose_name = _("Data demo")
