import functools
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels(models.Model):
    """`get_<field>_display()` from a table of the field's choices built once per process. Django's own builds the
    table again on every call and translates every label to hash it (~35 µs a call; a case file makes ~30)."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802 - Django's name
        labels = _choice_labels(field)
        if labels is None:
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


@functools.cache
def _choice_labels(field: models.Field[Any, Any]) -> dict[Any, Any] | None:
    """value -> label (lazy: translated when shown); None for choices a callable gives, which may change."""
    if isinstance(field.choices, CallableChoiceIterator):
        return None
    return dict(make_hashable(field.flatchoices))


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
