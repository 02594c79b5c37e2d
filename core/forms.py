"""Form pieces shared by the apps: date inputs phones understand, and number cleaning."""

import datetime
import decimal
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.widgets import ChoiceWidget
from django.http import QueryDict
from django.utils.choices import CallableChoiceIterator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import dates
from core.errors import StaleEditError


class DateInput(forms.DateInput):
    """The phone's own date picker; the value travels as yyyy-mm-dd, shown in the user's locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# Filters ask about the dates records may carry (core.dates): from 2015 to two years ahead.
EARLIEST_DATE = dates.EARLIEST
latest_date = dates.latest_planned


class PeriodDateField(forms.DateField):
    """A date to filter by, within the dates records may carry: a far date would only make huge, empty pages."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": EARLIEST_DATE.isoformat()}

    def validate(self, value: datetime.date | None) -> None:
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


def digits_only(value: str | None) -> str:
    """Remove the spaces, dots, dashes and leading apostrophe people type into NIK and No. KK."""
    return re.sub(r"[\s.\-']", "", value or "")


class DigitsField(forms.CharField):
    """A NIK or No. KK: spaces, dots and dashes typed or pasted are removed before any check."""

    def to_python(self, value: Any) -> str:
        return digits_only(super().to_python(value))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # Let people paste "6271 0412 0385 0001"; the 16-digit rule is checked after cleaning.
        attrs.update({"maxlength": "24", "inputmode": "numeric", "autocomplete": "off"})
        return attrs


def add_refusal(form: forms.BaseForm, error: Exception) -> None:
    """Show a service's refusal (a DomainError or a model ValidationError) on the form: at the top, or at the
    field a model's field error names.

    What the user typed stays in the form. After a stale edit the form carries the version stored now,
    and an edit form of a record shows that record as stored now with this user's changes on top, so a
    second, deliberate save goes through without undoing the other person's."""
    if isinstance(error, StaleEditError) and "version" in form.fields and error.current_version is not None:
        instance: models.Model | None = getattr(form, "instance", None)
        if isinstance(form, MergesAfterStaleMixin) and instance is not None:
            stored = type(instance)._base_manager.get(pk=instance.pk)
            edit_form: Callable[..., MergesAfterStaleMixin] = type(form)  # a ModelForm: it takes `instance`
            form.merge_stored(edit_form(instance=stored))
        data = _submitted(form)
        data[form.add_prefix("version")] = str(error.current_version)
        form.data = data
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        # A model's field errors go to the field the user can correct, when the form has it.
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return
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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)


def _plain(value: Any) -> Any:
    """A field's value in a form that compares and serialises the same whether it came from a record
    (initial) or from a submit (cleaned): records by id, dates and decimals as text, many as a sorted list."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(_plain(item) for item in value)
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


def _shown(bound: forms.BoundField) -> str:
    """How a field of a freshly opened form shows its value, in words, for a message."""
    value = bound.value()
    if value in (None, "", []):
        return "—"
    if isinstance(bound.field, forms.ModelChoiceField) and bound.field.queryset is not None:
        return ", ".join(str(choice) for choice in bound.field.queryset.filter(pk__in=_as_list(value)))
    choices = dict(getattr(bound.field, "choices", []) or [])
    if choices:
        return ", ".join(str(choices.get(item, choices.get(str(item), item))) for item in _as_list(value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    return str(value)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set) else [value]


# What an empty choice means, said the same way everywhere instead of Django's "---------": in a list's filters
# it means "all" (core.filters.StrictFilterSet), in a form "nothing chosen yet" (EmptyChoiceLabelsMixin).
DJANGO_EMPTY_LABEL = "---------"
ALL = _("Semua")
CHOOSE = _("— Pilih —")
NOT_FILLED = _("— Belum diisi —")  # an optional field of a form: nothing known or recorded yet


def label_empty_choices(
    fields: dict[str, forms.Field], label: Any, own: dict[str, Any] | None = None, optional: Any = None
) -> None:
    """Give every select's empty choice `label` (`optional` for a field that may stay empty, or the field's
    own wording in `own`) where Django or django-filter would show "---------"."""
    own = own or {}
    for name, field in fields.items():
        wanted = own.get(name, label if optional is None or field.required else optional)
        if hasattr(field, "empty_label"):  # model choices and django-filter's: the label is read when listed
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = wanted
                # A copied form's widget may still list through the class's field: point it at this one.
                field.widget.choices = field.choices  # type: ignore[attr-defined]
        elif isinstance(field, forms.ChoiceField) and not isinstance(field.choices, CallableChoiceIterator):
            choices = list(cast(Iterable[Any], field.choices))  # a model field's, its blank one first
            if ("", DJANGO_EMPTY_LABEL) in choices:
                field.choices = [("", wanted) if choice == ("", DJANGO_EMPTY_LABEL) else choice for choice in choices]


class EmptyChoiceLabelsMixin(forms.Form):
    """A data-entry form: an empty choice reads "— Pilih —", "— Belum diisi —" in an optional field, or the
    field's own words given in `empty_choice_labels`."""

    empty_choice_label: Any = CHOOSE
    optional_choice_label: Any = NOT_FILLED
    empty_choice_labels: dict[str, Any] = {}  # noqa: RUF012 - read only

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_empty_choices(
            self.fields, self.empty_choice_label, self.empty_choice_labels, optional=self.optional_choice_label
        )


class FilterForm(EmptyChoiceLabelsMixin):
    """A list's filters that are not a FilterSet: an empty choice reads "Semua"."""

    empty_choice_label = optional_choice_label = ALL


class MergesAfterStaleMixin(EmptyChoiceLabelsMixin):
    """An edit form of a shared record that, when its save is refused because someone else saved first,
    shows the record as stored now with this user's own changes on top: nothing the other person saved is
    undone by saving again, nothing this user typed is lost, and a field both changed is marked.

    The form carries the values it showed when opened (`opened`, signed); what differs from them in the
    submit is what this user changed."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    OPENED_SALT = "core.forms.opened"
    NOT_MERGED = {"opened", "version", "submission_token"}

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        # Computed when the page is rendered, after every __init__ has set what the form shows (an edit form
        # shows an empty NIK/No. KK, never the stored number: neither may this hidden field carry it).
        if field_name == "opened":
            return signing.dumps(self.shown_values(), salt=self.OPENED_SALT, compress=True)
        return super().get_initial_for_field(field, field_name)

    def merged_fields(self) -> list[str]:
        return [name for name in self.fields if name not in self.NOT_MERGED]

    def shown_values(self) -> dict[str, Any]:
        return {name: _plain(self[name].initial) for name in self.merged_fields()}

    def opened_values(self) -> dict[str, Any] | None:
        try:
            opened: dict[str, Any] = signing.loads(self.data.get(self.add_prefix("opened"), ""), salt=self.OPENED_SALT)
        except signing.BadSignature:
            return None
        return opened

    def merge_stored(self, fresh: "MergesAfterStaleMixin") -> None:
        """Take, for every field this user left as it was, the value `fresh` (a form opened on the record
        as stored now) shows; keep the fields this user changed; mark those the other person changed too."""
        opened, now = self.opened_values() or {}, fresh.shown_values()
        data = _submitted(self)
        conflicts = []
        for name in self.merged_fields():
            if name not in self.cleaned_data or now[name] == opened.get(name):
                continue  # the other person did not change it (or this field did not validate: left as typed)
            if _plain(self.cleaned_data[name]) == opened.get(name):
                _put(data, fresh[name])
            elif _plain(self.cleaned_data[name]) != now[name]:
                conflicts.append(name)
        data[self.add_prefix("opened")] = signing.dumps(now, salt=self.OPENED_SALT, compress=True)
        self.data = data
        for name in conflicts:
            self.add_error(
                name,
                _(
                    "Pengguna lain juga mengubah isian ini, menjadi: %(value)s. "
                    "Isian Anda tetap di sini; periksa sebelum menyimpan."
                )
                % {"value": _shown(fresh[name])},
            )


def _submitted(form: forms.BaseForm) -> QueryDict:
    """A mutable copy of what a bound form received (request.POST, a QueryDict)."""
    return cast(QueryDict, form.data).copy()


def _put(data: QueryDict, bound: forms.BoundField) -> None:
    """Write into submitted `data` what a browser would send for `bound` as a fresh form shows it."""
    widget, value, key = bound.field.widget, bound.value(), bound.html_name
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif getattr(widget, "allow_multiple_selected", False):
        data.setlist(key, [str(item) for item in _as_list(value or [])])
    elif isinstance(widget, ChoiceWidget):
        shown = widget.format_value(value)
        data[key] = shown[0] if shown else ""
    else:
        shown = widget.format_value(value)
        data[key] = "" if shown is None else str(shown)


class RupiahField(forms.IntegerField):
    """An amount in whole Rupiah as people write it: 150000, 150.000, "Rp 150.000" or "150 000".

    Django's IntegerField reads "150.000" as 150.0, so 150 (a thousand times too little, silently), and a
    number input turns "2.500.000" into "2.500000". Here the dots group thousands, as the app shows amounts;
    anything else (a decimal part, letters, an exponent) is refused with how to write it.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Tulis nilai dalam rupiah utuh, tanpa sen: mis. 150000 atau 150.000."),
    }
    WRITTEN = re.compile(r"(?:rp\.?\s*)?([0-9]{1,3}(?:[. ][0-9]{3})+|[0-9]+)", re.IGNORECASE)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        match = self.WRITTEN.fullmatch(str(value).strip())
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match.group(1).replace(".", "").replace(" ", ""))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs.update(inputmode="numeric", autocomplete="off")
        return attrs
