from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from core.forms import DateInput, FilterForm, PeriodDateField
from households.models import Kecamatan, Kelurahan


class DashboardFilterForm(FilterForm):
    # Bounded: the trend has a row per month of the period, so a far date would make a page of megabytes.
    period_from = PeriodDateField(label=_("Periode dari"), required=False, widget=DateInput())
    period_to = PeriodDateField(label=_("sampai"), required=False, widget=DateInput())
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.order_by("name"), required=False
    )
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.all(), required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Tanggal awal periode harus sebelum tanggal akhir."))
        return data
