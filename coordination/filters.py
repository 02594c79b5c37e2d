from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from coordination.models import DtsenProposal, Referral
from core.filters import StrictFilterSet
from core.forms import DateInput
from households.models import Kecamatan, Kelurahan


class ReferralFilter(StrictFilterSet):
    """The inbox's filters. OPD and place narrow the referrals the tabs count; status and overdue pick a tab
    (coordination.selectors.inbox applies them after counting). The dashboard's links carry them all. Only
    supervisors choose the OPD (a caseworker's is their own)."""

    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=Opd.objects.all())
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="household__kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"), field_name="household__kelurahan", queryset=Kelurahan.objects.all()
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Terbuka")), ("all", _("Semua")), *Referral.Status.choices],
        method="keep",
    )
    overdue = django_filters.ChoiceFilter(label=_("Terlambat"), choices=[("1", _("Ya"))], method="keep")

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, data=None, *args, may_choose_opd: bool = True, **kwargs):
        super().__init__(data, *args, **kwargs)
        if not may_choose_opd:
            del self.filters["opd"]

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # a tab, applied by coordination.selectors.inbox after the tabs are counted

    def chosen(self, name: str) -> Any:
        """A filter's valid value, or None (also when another filter is invalid: the list is empty then)."""
        return self.form.cleaned_data.get(name) if self.is_valid() else None


class DtsenProposalFilter(StrictFilterSet):
    """The DTSEN proposals list's filters; the SIKS-NG workbook takes the same ones (approved proposals only)."""

    state = django_filters.ChoiceFilter(label=_("Tahap"), choices=DtsenProposal.State.choices)
    kind = django_filters.ChoiceFilter(label=_("Jenis usulan"), choices=DtsenProposal.Kind.choices)
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"),
        field_name="household__kelurahan",
        queryset=Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__code", "code"),
    )
    entered = django_filters.ChoiceFilter(
        label=_("SIKS-NG"),
        choices=[("no", _("Belum diinput")), ("yes", _("Sudah diinput"))],
        method="filter_entered",
    )
    decided_from = django_filters.DateFilter(
        label=_("Diputuskan sejak"), field_name="decided_at", lookup_expr="date__gte", widget=DateInput()
    )

    class Meta:
        model = DtsenProposal
        fields: list[str] = []

    def filter_entered(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(entered_at__isnull=value == "no")
