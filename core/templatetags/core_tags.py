from __future__ import annotations

import datetime
import functools
import html
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.formats import date_format, get_format, localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.identity import mask
from core.urls import fixed_path, path_with_id

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
def can(context: template.context.RequestContext, action: str, target: models.Model | type[models.Model]) -> bool:
    """`{% can "change" household as may_edit %}`: the permission module, from a template.

    Reads the request from the template context object, so it works in an `{% include … only %}` too.
    """
    return permissions.has_perm(context.request.user, action, target)


# The classes of a record's status badge (`_status_badge.html`), by model and then for an overdue record.
# The colours live in static/css/app.css (and Bootstrap's own), each with AA contrast for its text.
STATUS_CLASSES = {
    "households.household": ("badge status-{status}", None),
    "households.person": ("badge bg-secondary", None),
    "interventions.intervention": ("badge iv-{status}", None),
    "coordination.referral": ("cell-state state-{status}", "cell-state state-overdue"),
}


@register.filter
def status_class(record: Any) -> str:
    """`<span class="{{ intervention|status_class }}">`: the badge classes for this record's status."""
    normal, overdue = STATUS_CLASSES[record._meta.label_lower]
    if overdue and record.is_overdue:
        return overdue
    return normal.format(status=record.status)


@register.simple_tag
def status_badge(record: Any, size: str = "") -> str:
    """`{% status_badge intervention %}`: a record's status label in its badge (`status_class`), optionally with
    an extra class (`size="fs-6"`); an overdue record (a referral past its due date) says so.

    A tag rather than an included template: lists show one per row, and an include cost ~0.1 ms each."""
    label = record.get_status_display()
    if getattr(record, "is_overdue", False):
        label = f"{label} · {gettext('terlambat')}"
    classes = f"{status_class(record)} {size}" if size else status_class(record)
    return format_html('<span class="{}">{}</span>', classes, label)


@register.simple_tag
def fixed_url(name: str) -> str:
    """`{% fixed_url 'home' %}`: what `{% url 'home' %}` gives for a URL without arguments, reversed once per process
    (`core.urls.fixed_path`); for the links every page carries."""
    return fixed_path(name)


@register.simple_tag
def id_url(name: str, pk: int) -> str:
    """`{% id_url 'cases:detail' household.pk %}`: what `{% url %}` gives for a URL whose one argument is an id, without
    a reverse() per row (`core.urls.path_with_id`)."""
    return path_with_id(name, pk)


# Django's date format characters that mean the same as an strftime code (zero-padded numbers).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}
_TIME_CODES = set("His")


@functools.cache
def _strftime_pattern(django_format: str) -> str | None:
    """The strftime pattern of a Django date format made of those characters and punctuation; None otherwise."""
    pattern = []
    for char in django_format:
        if char in _STRFTIME:
            pattern.append(_STRFTIME[char])
        elif char.isalnum() or char == "\\":
            return None
        else:
            pattern.append(char.replace("%", "%%"))
    return "".join(pattern)


@register.filter(expects_localtime=True, is_safe=False)
def short_date(value: datetime.date | None, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """`{{ visit.visited_on|short_date }}`: what `|date:"SHORT_DATE_FORMAT"` writes (and with "SHORT_DATETIME_FORMAT"
    for a moment), through strftime when the language's format allows it: Django's own formatting cost ~15 µs a
    date, and the case file and registry show dozens. Anything else goes to Django's formatting."""
    if not value:  # None or "": as the date filter, nothing
        return ""
    django_format = get_format(format_name)
    pattern = _strftime_pattern(django_format)
    timeless = not isinstance(value, datetime.datetime)
    if pattern is None or value.year < 1000 or (timeless and _TIME_CODES.intersection(django_format)):
        return date_format(value, format_name)
    return value.strftime(pattern)


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
        rows.append((label, logged_value(field, old), logged_value(field, new)))
    return rows


def logged_value(field: object, value: object) -> object:
    """A value as the change log stored it, in the app's words: dates dd/mm/yyyy (times in Jakarta time),
    yes/no for a tick box; None for nothing (the page shows a dash)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, str) and isinstance(field, models.DateField):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


@register.filter
def folds_changes(entry: Any) -> bool:
    """A record created with more than three fields filled in: the case file folds its rows ("12 kolom diisi")."""
    return entry.action == entry.Action.CREATE and len(entry.changes or {}) > 3


@register.filter
def change_source(entry: Any) -> str:
    """Where a change came from when not typed into the app ("admin", "impor #12: …"); empty for the app."""
    typed_in_app = type(entry)._meta.get_field("source").default
    return "" if entry.source == typed_in_app else entry.source


@register.filter
def has_value_in(form: forms.Form, names: str) -> bool:
    """`{% if form|has_value_in:"status opd" %}`: is any of these fields filled (to open a folded section)?"""
    return any(form[name].value() for name in names.split())


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


# The Bootstrap class of each kind of widget in a list's filter form.
_WIDGET_CLASS = {forms.Select: "form-select", forms.CheckboxInput: "form-check-input"}


@register.simple_tag
def filter_field(field: forms.BoundField) -> str:
    """One field of a list's filter form, as crispy's Bootstrap 5 pack writes it (label, control, error, help).

    Written in Python because a list page shows up to fourteen of them on every request: through crispy's
    templates, and Django's two template includes per option of a select, they took most of a list page's
    rendering time (the registry's 92 options). Choices shown as radio buttons or tick boxes are written here too
    while they carry no error or help text; with one, they go through crispy.
    """
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        if field.errors or field.help_text or not field.label or widget.attrs.get("aria-describedby"):
            return cast(str, as_crispy_field(field))  # already safe HTML
        return _tick_boxes(field)
    kind = next((css for base, css in _WIDGET_CLASS.items() if isinstance(widget, base)), "form-control")
    control_id = field.auto_id
    attrs: dict[str, Any] = {"class": f"{kind} is-invalid" if field.errors else kind}
    described = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{control_id}_error")
    if field.help_text:
        described.append(f"{control_id}_helptext")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    control = _select(field, attrs) if type(widget) is forms.Select else field.as_widget(attrs=attrs)
    errors = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            control_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, control_id, e) for n, e in enumerate(field.errors, 1)),
            ),
        )
        if field.errors
        else ""
    )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', control_id, field.help_text)
        if field.help_text
        else ""
    )
    if kind == "form-check-input":
        return format_html(
            '<div id="div_{}" class="mb-3 form-check">{}<label for="{}" class="form-check-label">{}</label>{}{}</div>',
            control_id,
            control,
            control_id,
            field.label,
            errors,
            help_text,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        control_id,
        control_id,
        field.label,
        control,
        errors,
        help_text,
    )


# Widgets crispy writes in a shape of their own (tick boxes, radio buttons, files, multi-part inputs).
_OWN_SHAPE = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


@register.simple_tag
def form_fields(form: forms.BaseForm) -> str:
    """A data-entry form's fields as `{% crispy form %}` writes them for a form without a layout (label, control,
    help text; hidden fields as they are), or "" when crispy must write them: a layout or other helper settings,
    any error on the form, or a widget crispy writes in a shape of its own. Use as
    `{% form_fields form as fields %}{% if fields %}{{ fields }}{% else %}{% crispy form %}{% endif %}`.

    Written here for the visit form, opened in one of every ten requests of the load test (issue 14): crispy's
    templates took 2 of its 7 ms."""
    helper = getattr(form, "helper", None)
    if helper is None or form.errors or not helper.form_show_labels:
        return ""
    if helper.layout or helper.field_template or helper.label_class or helper.field_class or helper.help_text_inline:
        return ""
    fields = list(form)
    if any(not field.is_hidden and (isinstance(field.field.widget, _OWN_SHAPE) or not field.label) for field in fields):
        return ""
    parts = [str(form.media)] if helper.include_media else []
    parts += [str(field) if field.is_hidden else _crispy_field(field) for field in fields]
    return mark_safe("".join(parts))  # noqa: S308 - Django's widgets and format_html wrote each part


def _crispy_field(field: forms.BoundField) -> str:
    """crispy bootstrap5's `field.html` for a plain control: its widget gets the widget's own class name (as crispy's
    `crispy_field` tag gives it) and Bootstrap's form-select or form-control."""
    widget = field.field.widget
    kind = type(widget).__name__.lower()
    kind = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(kind, kind)
    classes = widget.attrs.get("class", "")
    classes = (f"{classes} {kind}" if kind not in classes else classes) if classes else kind
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if bootstrap not in classes.split():
        classes = f"{classes} {bootstrap}"
    control = field.as_widget(attrs={"class": classes})
    if field.field.show_hidden_initial:
        control += field.as_hidden(only_initial=True)
    required = field.field.required
    css_classes = field.css_classes()
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text))  # noqa: S308 - crispy: help_text|safe
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3{}"><label{} class="form-label{}">{}{}</label>{}{}</div>',
        field.auto_id,
        f" {css_classes}" if css_classes else "",
        format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",  # noqa: S308 - a constant
        control,
        help_text,
    )


def _tick_boxes(field: forms.BoundField) -> str:
    """Radio buttons or tick boxes as crispy's bootstrap5 `field.html` writes them when there is no error or help
    text: a fieldset with the label as its legend, one form-check per choice (and a group's name before its own)."""
    widget = field.field.widget
    required = field.field.required
    control_id = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": control_id} if control_id else {})
    choices = []
    for group, options, _index in widget.optgroups(field.html_name, widget.format_value(field.value()), attrs):
        if group:
            choices.append(format_html("<strong>{}</strong>", group))
        for option in options:
            choices.append(
                format_html(
                    '<div class="form-check"><input type="{}" class="form-check-input" name="{}" value="{}"{}>'
                    '<label for="{}" class="form-check-label">{}</label></div>',
                    option["type"],
                    field.html_name,
                    option["value"],
                    flatatt(option["attrs"]),
                    option["attrs"].get("id", ""),
                    option["label"],
                )
            )
    css_classes = field.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}"><fieldset><legend class="form-label{} fs-6">{}{}</legend><div>{}</div>'
        "</fieldset></div>",
        field.auto_id,
        f" {css_classes}" if css_classes else "",
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",  # noqa: S308 - a constant
        mark_safe("".join(choices)),  # noqa: S308 - each part written by format_html
    )


def _select(field: forms.BoundField, attrs: dict[str, Any]) -> str:
    """A plain select with the attributes and options Django's own template would write (groups flattened).

    The options are written here rather than through `Select.optgroups`, which builds a dict per option (and
    format_html escapes through lazy wrappers): the kelurahan filter alone has 30 options on every list page."""
    widget = field.field.widget
    widget_attrs = field.build_widget_attrs(attrs)
    widget_attrs.setdefault("id", field.auto_id)
    chosen = widget.format_value(field.value())
    options, has_selected = [], False
    for value, label in widget.choices:
        choices = label if isinstance(label, list | tuple) else [("" if value is None else value, label)]
        for option_value, option_label in choices:
            selected = not has_selected and str(option_value) in chosen
            has_selected |= selected
            marked = " selected" if selected else ""
            options.append(f'<option value="{_escape(option_value)}"{marked}>{_escape(option_label)}</option>')
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        flatatt(widget.build_attrs(widget.attrs, widget_attrs)),
        mark_safe("".join(options)),  # noqa: S308 - each value and label escaped above
    )


def _escape(value: object) -> str:
    """conditional_escape without its lazy wrappers: safe strings as they are, anything else escaped."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.filter
def link_to(number: object, href: str) -> str:
    """`{{ row.received|link_to:row.links.referral_all }}`: a number as a link to the list it counts, or plain when
    the reader may not open that list (no href)."""
    if not href:
        return conditional_escape(str(localize(number)))
    return format_html('<a href="{}">{}</a>', href, localize(number))


@register.filter
def card_empty(value: object) -> str:
    """' cell-empty' for a 0, None or empty value: a phone card leaves the cell out (`.table-cards`)."""
    return "" if value else " cell-empty"
