from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
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


class SessionRefreshMiddleware:
    """Keep the idle timeout sliding while writing the session row at most once a minute.

    A database session ends SESSION_COOKIE_AGE after it was last saved. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) made every page view an UPDATE; instead the session is marked for saving
    when its last save is older than REFRESH_AFTER seconds, so a user idle for SESSION_COOKIE_AGE is signed
    out (up to a minute sooner), and one who is active stays signed in. Sits inside SessionMiddleware, which
    saves on the way out."""

    KEY = "_refreshed_at"
    REFRESH_AFTER = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None:
            return response
        now = int(timezone.now().timestamp())
        stamp = session.get(self.KEY)  # loads the session, so an expired or signed-out one reads as empty
        if session.is_empty():
            return response  # no session, signed out, or expired: nothing to keep alive (and none to create)
        if session.modified or not isinstance(stamp, int) or not 0 <= now - stamp < self.REFRESH_AFTER:
            session[self.KEY] = now  # saved (and its expiry moved) by SessionMiddleware
        return response
