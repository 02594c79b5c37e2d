"""Filter pieces every list uses: a bad filter empties the list and says why, numbers and dates stay in range.

A URL is something people edit by hand. A value no filter accepts (`?kelurahan=abc`, `?age_min=5000`) shows
the list's filter form with the error and no rows: never a 500, and never a silently wider list.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from core.forms import ALL, PeriodDateField, label_empty_choices

BIGINT_MAX = 2**63 - 1  # the largest id PostgreSQL and SQLite store
AGE_MAX = 130


# A filter set's form class, by filter set and the filters it kept (`StrictFilterSet.get_form_class`).
_FORM_CLASSES: dict[tuple[type, tuple[str, ...]], type[forms.Form]] = {}


# django-filter ships no type information: its classes are `Any` to mypy, hence the ignores on subclassing.
class StrictFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """No rows when a filter is invalid (django-filter would drop the bad filter and list everything), and an
    empty choice reads "Semua" (django-filter's own is "---------")."""

    def get_form_class(self) -> type[forms.Form]:
        """The form of these filters, built once per process as a declared form is: django-filter builds a new form
        class, with a new field for each filter, on every request (a quarter of a millisecond on the registry). Each
        form still gets its own copies of the fields. Filters whose choices depend on the request (a callable
        queryset) get a new form class every time, as before."""
        if any(callable(getattr(each, "queryset", None)) for each in self.filters.values()):
            built: type[forms.Form] = super().get_form_class()
            return built
        key = (type(self), tuple(self.filters))
        if key not in _FORM_CLASSES:
            _FORM_CLASSES[key] = super().get_form_class()
        return _FORM_CLASSES[key]

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            label_empty_choices(super().form.fields, ALL)
        built: forms.Form = self._form
        return built

    @property
    def qs(self) -> QuerySet[Any]:
        listed: QuerySet[Any] = self.queryset.none() if self.is_bound and not self.is_valid() else super().qs
        return listed


class IntegerFilter(django_filters.NumberFilter):  # type: ignore[misc]
    """A whole number (NumberFilter takes 1.5 and 1e400); pass min_value and max_value to bound it."""

    field_class = forms.IntegerField


class PeriodDateFilter(django_filters.DateFilter):  # type: ignore[misc]
    """A date within the dates records may carry, 2015 to two years ahead (core.forms.PeriodDateField)."""

    field_class = PeriodDateField


class StableOrderingFilter(django_filters.OrderingFilter):  # type: ignore[misc]
    """A list's sort with the record's id as the last key: rows with equal values (the same number of members,
    the same kelurahan) keep one order, so paging neither repeats nor skips a row."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        qs = super().filter(qs, value)
        ordering = [str(key) for key in qs.query.order_by]
        if value and ordering and not any(key.lstrip("-") in ("id", "pk") for key in ordering):
            qs = qs.order_by(*ordering, "-id" if ordering[-1].startswith("-") else "id")
        return qs
