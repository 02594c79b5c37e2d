"""The filters of a list's reconciliation rows: kelurahan, bucket, decided or not."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import StrictFilterSet
from households.models import Kelurahan
from imports.models import Bucket, ReconciliationRow

SELECT = {"class": "form-select"}
DECIDED = [("0", _("Belum diputuskan")), ("1", _("Sudah diputuskan"))]


class ReconciliationRowFilter(StrictFilterSet):
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"), queryset=Kelurahan.objects.order_by("name"), widget=forms.Select(SELECT)
    )
    bucket = django_filters.ChoiceFilter(label=_("Kelompok"), choices=Bucket.choices, widget=forms.Select(SELECT))
    decided = django_filters.ChoiceFilter(
        label=_("Keputusan"), choices=DECIDED, method="filter_decided", widget=forms.Select(SELECT)
    )

    class Meta:
        model = ReconciliationRow
        fields = ["kelurahan", "bucket", "decided"]

    def filter_decided(
        self, queryset: QuerySet[ReconciliationRow], name: str, value: str
    ) -> QuerySet[ReconciliationRow]:
        return queryset.filter(decision__isnull=value != "1")
