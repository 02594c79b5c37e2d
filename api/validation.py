"""The API checks what it is sent with the very forms the pages use, so a rule (a NIK already registered,
exactly one head of the family, a delivery date not before the plan) holds the same through either door.

A serializer reads JSON into Python values (its types are what the OpenAPI schema says); the page's form then
validates those values, and its messages become the problem's field errors.
"""

from typing import Any

from django import forms
from django.db import models
from django.utils.html import strip_tags
from rest_framework import serializers


def _value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def errors_of(form: forms.Form | forms.BaseFormSet, prefix: str = "") -> dict[str, list[str]]:
    """A form's (or formset's) errors keyed as the API's fields: `members[1].nik`, `non_field_errors`."""
    found: dict[str, list[str]] = {}
    if isinstance(form, forms.BaseFormSet):
        for index, each in enumerate(form.forms):
            found.update(errors_of(each, f"{prefix}[{index}]."))
        if form.non_form_errors():
            found[prefix.rstrip(".") or "non_field_errors"] = [strip_tags(str(e)) for e in form.non_form_errors()]
        return found
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == "__all__" else name
        found[f"{prefix}{key}" if prefix else key] = [strip_tags(str(each)) for each in messages]
    return found


def form_data(
    values: dict[str, Any],
    instance: models.Model | None = None,
    names: list[str] | None = None,
    model: type[models.Model] | None = None,
) -> dict:
    """Form data from the serializer's values, on top of the record's stored values for a partial update, or of
    the model's defaults for a new record (what the page's form shows preselected)."""
    data: dict[str, Any] = {}
    if model is not None:
        for field in model._meta.concrete_fields:
            if field.has_default() and not callable(field.default) and field.name in (names or []):
                data[field.name] = field.default
    if instance is not None and names:
        for name in names:
            stored = getattr(
                instance, name + "_id" if isinstance(instance._meta.get_field(name), models.ForeignKey) else name
            )
            data[name] = "" if stored is None else stored
    for name, value in values.items():
        data[name] = "" if value is None else _value(value)
    return data


def validated(form: forms.Form, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    """The form's cleaned data, or a 400 with its messages on the API's field names (`renamed`: the form's name ->
    the API's, where they differ)."""
    if not form.is_valid():
        errors = errors_of(form)
        raise serializers.ValidationError({(renamed or {}).get(key, key): value for key, value in errors.items()})
    return form.cleaned_data


def formset_data(
    prefix: str, rows: list[dict[str, Any]], model: type[models.Model] | None = None, names: list[str] | None = None
) -> dict[str, Any]:
    """What a page's formset would post for `rows` (management form included), with the model's defaults."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name, value in form_data({}, model=model, names=names).items() | row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{index}-{name}"] = "on"
                continue
            data[f"{prefix}-{index}-{name}"] = "" if value is None else _value(value)
    return data
