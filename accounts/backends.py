from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class OpdAwareModelBackend(ModelBackend):
    """Django's backend, except that staff of a deactivated OPD cannot sign in (and are signed out)."""

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        opd = getattr(user, "opd", None)
        return opd is None or opd.is_active

    def get_user(self, user_id):
        # One query per request for the user and the OPD that every permission check reads.
        user = get_user_model().objects.select_related("opd").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
