from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms, template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from core import permissions
from core.identity import mask

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from audit.models import ChangeLog

register = template.Library()


@register.filter
def rupiah(value: int | Decimal | str | None) -> str:
    """1250000 -> 'Rp 1.250.000'; empty values give an em dash."""
    if value is None or value == "":
        return "—"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


@register.filter
def masked(value: str) -> str:
    """NIK / No. KK with the middle eight digits hidden."""
    return mask(value or "")


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, target: models.Model | type[models.Model]) -> bool:
    """`{% can "change" household as may_edit %}`: the permission module, from a template."""
    return permissions.has_perm(context["request"].user, action, target)


@register.filter
def percent(part: int | None, whole: int | None) -> str:
    if not whole:
        return "—"
    return f"{round(100 * (part or 0) / whole)}%"


@register.simple_tag(takes_context=True)
def sort_url(context: template.Context, key: str) -> str:
    """The list's URL sorted by `key`, or by `-key` when it is already sorted by `key`."""
    query = context["request"].GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{key}" if current == key else key
    query.pop("page", None)
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def sort_mark(context: template.Context, key: str) -> str:
    current = context["request"].GET.get("sort", "")
    return "▲" if current == key else "▼" if current == f"-{key}" else ""


MASKED_FIELDS = {"nik", "no_kk"}


@register.filter
def change_rows(entry: ChangeLog) -> list[tuple[StrOrPromise, object, object]]:
    """A change-log entry as (field label, old, new) rows, identity numbers masked."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    rows: list[tuple[StrOrPromise, object, object]] = []
    for name, (old, new) in (entry.changes or {}).items():
        label: StrOrPromise = name
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if isinstance(field, models.Field):  # a change is logged under a column's name, never a relation's
            label = field.verbose_name
        if name in MASKED_FIELDS:
            old, new = mask(old or ""), mask(new or "")
        rows.append((label, old, new))
    return rows


@register.simple_tag
def fields_to_correct(
    form: forms.BaseForm | None, formset: forms.BaseFormSet[Any] | None = None
) -> list[dict[str, StrOrPromise]]:
    """The visible fields a refused submit marked, in page order, with the id to jump to."""
    marked = [form] if form is not None else []
    if formset is not None:
        marked += list(formset)
    return [
        {"label": field.label, "id": field.id_for_label or field.auto_id}
        for each in marked
        for field in each.visible_fields()
        if field.errors
    ]
