"""Form pieces that need the change log: a stale edit names who changed the record and what."""

from django.core.exceptions import ValidationError

from audit.locking import stale_message
from core.forms import MergesAfterStaleMixin


class EditedFromMixin(MergesAfterStaleMixin):
    """For edit forms of shared records that carry no version column (programmes, OPDs, accounts, rules,
    poverty lines): a save is refused when the stored record no longer shows what the form showed when it
    was opened — with who changed it, and the form merged as `MergesAfterStaleMixin` does, so a second,
    deliberate save goes through."""

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is not None:
            model = type(self.instance)
            fresh = type(self)(instance=model._base_manager.get(pk=self.instance.pk))
            if self.opened_values() != fresh.shown_values():
                self.merge_stored(fresh)
                raise ValidationError(stale_message(model, self.instance.pk), code="stale")
        return data
