import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from core.filters import AGE_MAX, IntegerFilter, PeriodDateFilter, StrictFilterSet
from core.forms import DateInput
from households.models import Household, Kecamatan, Kelurahan, Person, Sex, normalize_name
from interventions.models import Intervention, Program


class PersonFilter(StrictFilterSet):
    """Who receives a programme in one go: persons from the registry, narrowed by place and profile."""

    q = django_filters.CharFilter(label=_("Nama"), method="search")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="household__kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"), field_name="household__kelurahan", queryset=Kelurahan.objects.order_by("name")
    )
    extreme_poor = django_filters.BooleanFilter(
        label=_("Hanya jiwa miskin ekstrem"),
        method="filter_extreme_poor",
        widget=forms.Select(choices=[("true", _("Ya")), ("false", _("Semua status"))]),
    )
    sex = django_filters.ChoiceFilter(label=_("Jenis kelamin"), choices=Sex.choices)
    age_min = IntegerFilter(label=_("Umur dari"), method="filter_age_min", min_value=0, max_value=AGE_MAX)
    age_max = IntegerFilter(label=_("Umur sampai"), method="filter_age_max", min_value=0, max_value=AGE_MAX)

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Extreme-poor persons only unless the user asks for everyone.
        if data is not None and "extreme_poor" not in data:
            data = data.copy()
            data["extreme_poor"] = "true"
        super().__init__(data, *args, **kwargs)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(search_name__contains=normalize_name(value)) if value.strip() else queryset

    def filter_extreme_poor(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value:
            return queryset.filter(is_extreme_poor=True, household__status=Household.Status.EXTREME_POOR)
        return queryset

    def filter_age_min(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        born_by = _years_ago(value)
        return queryset.filter(birth_date__lte=born_by)

    def filter_age_max(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        born_after = _years_ago(value + 1)
        return queryset.filter(birth_date__gt=born_after)


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


class InterventionFilter(StrictFilterSet):
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=Opd.objects.all())
    program = django_filters.ModelChoiceFilter(label=_("Program"), queryset=Program.objects.select_related("opd"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Intervention.Status.choices)
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="household__kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"), field_name="household__kelurahan", queryset=Kelurahan.objects.order_by("name")
    )
    planned_from = PeriodDateFilter(
        label=_("Rencana dari"), field_name="planned_on", lookup_expr="gte", widget=DateInput()
    )
    planned_to = PeriodDateFilter(
        label=_("Rencana sampai"), field_name="planned_on", lookup_expr="lte", widget=DateInput()
    )
    delivered_from = PeriodDateFilter(
        label=_("Tersalurkan dari"), field_name="delivered_on", lookup_expr="gte", widget=DateInput()
    )
    delivered_to = PeriodDateFilter(
        label=_("Tersalurkan sampai"), field_name="delivered_on", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = Intervention
        fields: list[str] = []
