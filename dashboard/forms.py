from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from core.dates import happened
from core.forms import DateInput, FilterForm, PeriodDateField
from households.models import Kecamatan, Kelurahan, RankingSource

NATIONAL_LISTS = (RankingSource.DTSEN, RankingSource.P3KE, RankingSource.DTKS)


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


class OfficialAtForm(forms.Form):
    """The official count at the end of a day, optionally beside a national list of that time."""

    day = forms.DateField(label=_("Per tanggal"), widget=DateInput())
    source = forms.ChoiceField(
        label=_("Bandingkan dengan daftar"),
        choices=[("", _("Tidak dibandingkan")), *[(s.value, s.label) for s in NATIONAL_LISTS]],
        required=False,
    )
    as_of = forms.DateField(label=_("Daftar per tanggal"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        happened(self.fields["day"])
        happened(self.fields["as_of"])

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("source") and not cleaned.get("as_of"):
            self.add_error("as_of", _("Isi tanggal daftar yang dibandingkan."))
        return cleaned
