import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from core.filters import StableOrderingFilter, StrictFilterSet
from core.forms import digits_only
from households.models import DESIL_CHOICES, Household, Kecamatan, Kelurahan, Person, normalize_name
from interventions.models import Intervention, Program

YES_NO = [("", _("Semua")), ("1", _("Ya"))]


class HouseholdFilter(StrictFilterSet):
    """The registry's filters. Everything lives in the query string, so a filtered list can be shared."""

    q = django_filters.CharFilter(label=_("Cari"), method="search")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all()
    )
    kelurahan = django_filters.ModelChoiceFilter(label=_("Kelurahan"), queryset=Kelurahan.objects.order_by("name"))
    priority = django_filters.BooleanFilter(
        label=_("Lokus prioritas"),
        field_name="kelurahan__is_priority_locus",
        widget=forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Bukan"))]),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Household.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # a column of the household: no duplicates to remove (DISTINCT made PostgreSQL sort them all)
    )
    desil = django_filters.ChoiceFilter(label=_("Desil"), choices=DESIL_CHOICES)
    no_delivery = django_filters.ChoiceFilter(
        label=_("Belum ada intervensi tersalurkan"), choices=YES_NO[1:], method="filter_no_delivery"
    )
    served = django_filters.ChoiceFilter(
        label=_("Sudah ada jiwa terlayani"), choices=YES_NO[1:], method="filter_served"
    )
    not_visited = django_filters.ChoiceFilter(
        label=_("Belum dikunjungi 30 hari terakhir"), choices=YES_NO[1:], method="filter_not_visited"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Tindak lanjut terlambat"), choices=YES_NO[1:], method="filter_overdue"
    )
    visited = django_filters.ChoiceFilter(
        label=_("Dikunjungi 30 hari terakhir"), choices=YES_NO[1:], method="filter_visited"
    )
    fell_back = django_filters.ChoiceFilter(
        label=_("Pernah graduasi lalu kembali miskin ekstrem"), choices=YES_NO[1:], method="filter_fell_back"
    )
    needs = django_filters.ChoiceFilter(
        label=_("Kebutuhan"),
        choices=[("fulfilled", _("Semua terpenuhi")), ("open", _("Ada yang belum terpenuhi"))],
        method="filter_needs",
    )
    opd = django_filters.ModelChoiceFilter(
        label=_("OPD yang mengintervensi"), queryset=Opd.objects.all(), method="filter_opd"
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.select_related("opd"), method="filter_program"
    )
    archived = django_filters.ChoiceFilter(
        label=_("Arsip"),
        choices=[("only", _("Hanya yang diarsipkan")), ("all", _("Aktif dan arsip"))],
        empty_label=_("Tanpa arsip"),
        method="keep",  # applied in filter_queryset, so the default (no archive) holds without the field
    )
    sort = StableOrderingFilter(
        label=_("Urutkan"),
        fields=[
            ("id", "id"),
            ("head_name", "head"),
            ("kelurahan__name", "kelurahan"),
            ("status", "status"),
            ("desil", "desil"),
            ("member_count", "members"),
            ("delivered_count", "delivered"),
            ("last_visit_on", "visited"),
        ],
        field_labels={
            "id": _("Nomor"),
            "head_name": _("Kepala keluarga"),
            "kelurahan__name": _("Kelurahan"),
            "status": _("Status"),
            "desil": _("Desil"),
            "member_count": _("Jumlah anggota"),
            "delivered_count": _("Intervensi tersalurkan"),
            "last_visit_on": _("Kunjungan terakhir"),
        },
    )

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        archived = self.form.cleaned_data.get("archived")
        if archived == "only":
            queryset = queryset.filter(archived_at__isnull=False)
        elif archived != "all":
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Head or member name (partial, any case, accents ignored), NIK, No. KK or address."""
        value = value.strip()
        if not value:
            return queryset
        digits = digits_only(value)
        if len(digits) == 16 and _ascii_digits(digits):
            return queryset.filter(Q(no_kk=digits) | Q(pk__in=Person.objects.filter(nik=digits).values("household_id")))
        if _ascii_digits(value.lstrip("#")) and len(value) < 10:
            return queryset.filter(pk=int(value.lstrip("#")))
        needle = normalize_name(value)
        return queryset.filter(
            Q(pk__in=Person.objects.filter(search_name__contains=needle).values("household_id"))
            | Q(address__icontains=value)
        )

    def filter_no_delivery(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(delivered_count=0) if value else queryset

    def filter_served(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Households with a member counted as served (the dashboard's "sudah menerima ≥1 intervensi")."""
        return queryset.filter(served_count__gt=0) if value else queryset

    def filter_not_visited(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        since = timezone.localdate() - datetime.timedelta(days=30)
        return queryset.filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=since))

    def filter_visited(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        since = timezone.localdate() - datetime.timedelta(days=30)
        return queryset.filter(last_visit_on__gte=since) if value else queryset

    def filter_fell_back(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(fell_back_at__isnull=False) if value else queryset

    def filter_needs(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "fulfilled":
            return queryset.filter(referral_count__gt=0, unfulfilled_referrals=0)
        return queryset.filter(unfulfilled_referrals__gt=0)

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(next_follow_up_on__lt=timezone.localdate()) if value else queryset

    def filter_opd(self, queryset: QuerySet, name: str, value: Opd) -> QuerySet:
        interventions = Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        return queryset.filter(Exists(interventions.filter(household=OuterRef("pk"), opd=value)))

    def filter_program(self, queryset: QuerySet, name: str, value: Program) -> QuerySet:
        interventions = Intervention.objects.exclude(status=Intervention.Status.CANCELLED)
        return queryset.filter(Exists(interventions.filter(household=OuterRef("pk"), program=value)))


def _ascii_digits(value: str) -> bool:
    """0-9 only: str.isdigit() also takes "²", which int() refuses."""
    return value.isascii() and value.isdigit()
