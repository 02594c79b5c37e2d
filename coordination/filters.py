import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from coordination.models import Referral
from core.filters import StrictFilterSet
from households.models import Kecamatan, Kelurahan

OPEN = [Referral.Status.SENT, Referral.Status.ACCEPTED]


class ReferralFilter(StrictFilterSet):
    """The inbox's filters. OPD and place narrow the referrals the tabs count; status and overdue pick a tab.
    The dashboard's links carry them all. Only supervisors choose the OPD (a caseworker's is their own)."""

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
        return queryset  # a tab, applied by tab() after the tabs are counted

    def chosen(self, name: str):
        """A filter's valid value, or None (also when another filter is invalid: the list is empty then)."""
        return self.form.cleaned_data.get(name) if self.is_valid() else None

    def tab(self, referrals: QuerySet) -> QuerySet:
        """The chosen tab of the counted referrals."""
        if self.chosen("overdue"):
            referrals = referrals.filter(status__in=OPEN, due_on__lt=timezone.localdate())
        status = self.chosen("status") or "open"
        if status == "open":
            return referrals.filter(status__in=OPEN)
        return referrals if status == "all" else referrals.filter(status=status)
