from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from imports.reader import extension


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas .xlsx atau .csv"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    source = forms.CharField(
        label=_("Sumber data"), max_length=100, required=False, help_text=_("Mis. P3KE Januari 2024, DTKS Maret 2025.")
    )

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
