"""Form pieces shared by the apps: date inputs phones understand, and number cleaning."""

import hashlib
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from poverty import dates
from poverty.errors import StaleEditError
from poverty.locking import stale_message


class DateInput(forms.DateInput):
    """The phone's own date picker; the value travels as yyyy-mm-dd, shown in the user's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def today_max(widget: forms.Widget) -> forms.Widget:
    widget.attrs["max"] = timezone.localdate().isoformat()
    return widget


# Filters ask about the dates records may carry (poverty.dates): from 2015 to two years ahead.
EARLIEST_DATE = dates.EARLIEST
latest_date = dates.latest_planned


class PeriodDateField(forms.DateField):
    """A date to filter by, within the dates records may carry: a far date would only make huge, empty pages."""

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "min": EARLIEST_DATE.isoformat()}

    def validate(self, value) -> None:
        super().validate(value)
        if value and value < EARLIEST_DATE:
            raise ValidationError(
                _("Tanggal paling awal %(date)s."),
                code="min_value",
                params={"date": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT")},
            )
        if value and value > latest_date():
            raise ValidationError(
                _("Tanggal paling akhir %(date)s."),
                code="max_value",
                params={"date": date_format(latest_date(), "SHORT_DATE_FORMAT")},
            )


def digits_only(value: str) -> str:
    """Remove the spaces, dots, dashes and leading apostrophe people type into NIK and No. KK."""
    return re.sub(r"[\s.\-']", "", value or "")


class DigitsField(forms.CharField):
    """A NIK or No. KK: spaces, dots and dashes typed or pasted are removed before any check."""

    def to_python(self, value) -> str:
        return digits_only(super().to_python(value))

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        # Let people paste "6271 0412 0385 0001"; the 16-digit rule is checked after cleaning.
        attrs.update({"maxlength": "24", "inputmode": "numeric", "autocomplete": "off"})
        return attrs


def add_refusal(form: forms.Form, error: Exception) -> None:
    """Show a service's refusal (a DomainError or a model ValidationError) at the top of the form.

    What the user typed stays in the form. After a stale edit the form carries the version stored now,
    so a second, deliberate save goes through."""
    if isinstance(error, StaleEditError) and "version" in form.fields and error.current_version is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(error.current_version)
    form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def form_helper(layout: Layout | None = None) -> FormHelper:
    """The crispy helper of every form: the page supplies the <form> tag and the CSRF token, and hidden
    fields (a record's version, the submit-once token) are rendered even when a layout names the rest.
    (A layout alone leaves them out, so the form would fail on every real submit.)"""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = True
    if layout is not None:
        helper.layout = layout
    return helper


class VersionField(forms.IntegerField):
    """The version of the record an edit form was opened on; the service refuses a save from an older one."""

    widget = forms.HiddenInput
    default_error_messages = dict.fromkeys(
        ["required", "invalid", "min_value", "max_value"],
        _("Formulir ini tidak membawa versi data yang diubah. Muat ulang halaman lalu simpan lagi."),
    )

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)


def fingerprint(instance: models.Model, names: list[str]) -> str:
    """A short digest of a record's stored values of these fields."""
    values = []
    for name in names:
        field = instance._meta.get_field(name)
        value = field.value_from_object(instance)
        if field.many_to_many:
            value = sorted(related.pk for related in value)
        values.append(repr(value))
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]


class EditedFromMixin(forms.Form):
    """For edit forms of shared records that carry no version column (programmes, OPDs, accounts, rules,
    poverty lines): the form carries a digest of the record as it was opened, and a save is refused when
    the stored record has changed since — with who changed it, what was typed kept, and the new digest, so
    a second, deliberate save goes through."""

    edited_from = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["edited_from"] = fingerprint(self.instance, list(self._meta.fields))

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is not None:
            model = type(self.instance)
            now = fingerprint(model._base_manager.get(pk=self.instance.pk), list(self._meta.fields))
            if data.get("edited_from") != now:
                self.data = self.data.copy()
                self.data[self.add_prefix("edited_from")] = now
                raise ValidationError(stale_message(model, self.instance.pk), code="stale")
        return data
