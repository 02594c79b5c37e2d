from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class ForcePasswordChangeMiddleware:
    """A user whose password was set by an admin must choose their own before doing anything else."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith("/static/"):
                messages.warning(request, _("Silakan ganti kata sandi sementara Anda sebelum melanjutkan."))
                return redirect("accounts:password_change")
        return self.get_response(request)
