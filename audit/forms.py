"""Form pieces that need the change log: a stale edit names who changed the record and what."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from audit.locking import stale_message
from core.forms import MergesAfterStaleMixin


class EditedFromMixin(MergesAfterStaleMixin):
    """For edit forms of shared records that carry no version column (programmes, OPDs, accounts, rules,
    poverty lines): a save is refused when the stored record no longer shows what the form showed when it
    was opened — with who changed it, and the form merged as `MergesAfterStaleMixin` does, so a second,
    deliberate save goes through."""

    instance: models.Model  # mixed into a ModelForm

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is not None:
            model = type(self.instance)
            edit_form: Callable[..., EditedFromMixin] = type(self)  # a ModelForm: it takes `instance`
            fresh = edit_form(instance=model._base_manager.get(pk=self.instance.pk))
            if self.opened_values() != fresh.shown_values():
                self.merge_stored(fresh)
                raise ValidationError(stale_message(model, self.instance.pk), code="stale")
        return data
