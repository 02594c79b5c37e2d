from django.conf import settings
from django.db import models
from django.utils import timezone


class FormSubmission(models.Model):
    """A create form that was accepted once; the same token posted again is not saved twice."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    redirect_to = models.CharField(max_length=500, blank=True)

    class Meta:
        # The table was created when this model lived in the project package; it keeps its name.
        db_table = "poverty_formsubmission"
        indexes = [models.Index(fields=["created_at"], name="poverty_submission_at_idx")]

    def __str__(self) -> str:
        return str(self.token)
