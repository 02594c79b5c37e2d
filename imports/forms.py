from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from households.models import RankingSource
from imports.reader import extension


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas .xlsx atau .csv"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    # No default for either: a P3KE file of 2024 left on "DTSEN, today" would outrank every real list.
    list_kind = forms.ChoiceField(
        label=_("Jenis daftar"),
        choices=[("", _("— pilih jenis daftar —")), *RankingSource.choices],
        help_text=_("Kolom desil disimpan sebagai peringkat dari daftar ini (DTSEN: desil 1-10; P3KE: 1-4)."),
    )
    as_of = forms.DateField(
        label=_("Daftar per tanggal"),
        widget=DateInput(),
        help_text=_("Tanggal data daftar itu (mis. tanggal pemeringkatan DTSEN), bukan tanggal unggah."),
    )
    source = forms.CharField(
        label=_("Sumber data"),
        max_length=100,
        required=False,
        help_text=_("Catatan Anda, mis. DTSEN Oktober 2025 dari Dinsos Provinsi."),
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise ValidationError(_("Tanggal daftar tidak boleh di masa depan."))
        return as_of

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Berkas terlalu besar (%(size)s MB); batasnya %(limit)s MB. Bagi menjadi beberapa berkas.")
                % {"size": f"{upload.size / 1_048_576:.1f}".replace(".", ","), "limit": limit // 1_048_576}
            )
        if extension(upload.name) not in ("xlsx", "csv"):
            raise ValidationError(_("Format berkas tidak didukung: pakai .xlsx atau .csv."))
        return upload
