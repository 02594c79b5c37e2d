from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Akun dan OPD")

    def ready(self) -> None:
        from accounts import rules  # noqa: F401 - registers this app's permission rules
