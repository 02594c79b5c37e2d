from django import forms

from accounts.models import Opd
from api.models import ApiToken
from core.forms import EmptyChoiceLabelsMixin, form_helper


class TokenForm(EmptyChoiceLabelsMixin, forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "opd", "scope", "rate_per_minute"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = Opd.objects.filter(is_active=True).order_by("short_name")  # type: ignore[attr-defined]
        self.fields["rate_per_minute"].min_value = 1  # type: ignore[attr-defined]
        self.fields["rate_per_minute"].max_value = 6000  # type: ignore[attr-defined]
        self.fields["rate_per_minute"].widget.attrs.update(min=1, max=6000)
        self.helper = form_helper()
