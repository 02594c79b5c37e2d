from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import DtsenProposal
from coordination.services import PROPOSAL_REASONS
from core.forms import DateInput
from households.models import RankingSource
from imports.models import Bucket, ReconciliationDecision
from imports.reader import extension
from imports.reconcile import PROPOSAL_KINDS


def proposal_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The DTSEN proposals a reconciliation row may open, grouped by kind: "kind:reason" (labels in the language of
    the request)."""
    return [
        (
            str(DtsenProposal.Kind(kind).label),
            [(f"{kind}:{reason}", str(DtsenProposal.Reason(reason).label)) for reason in PROPOSAL_REASONS[kind]],
        )
        for kind in PROPOSAL_KINDS
    ]


# What each decision means for each bucket, said on the page above the rows (a decision only records the
# supervisor's judgement; "propose" also opens a DTSEN proposal).
DECISION_HELP: dict[str, dict[str, Any]] = {
    Bucket.ENTERED: {
        "accept": _(
            "Benar, keluarga ini kini desil 1. Registri menyusul lewat berkas kasusnya: pendamping memeriksa "
            "statusnya dan mengusulkannya bila perlu."
        ),
        "keep": _("Registri dibiarkan seperti sekarang; tulis alasannya (mis. kunjungan menunjukkan keluarga mampu)."),
        "propose": _("Peringkat di daftar dinilai keliru: membuka usulan DTSEN perubahan data keluarga ini."),
    },
    Bucket.LEFT: {
        "accept": _(
            "Benar, keluarga ini bukan desil 1 lagi. Registri menyusul lewat perubahan status atau usulan oleh "
            "pendamping di berkas kasusnya."
        ),
        "keep": _("Registri dibiarkan seperti sekarang; tulis alasannya (mis. keluarga masih sangat miskin)."),
        "propose": _("Peringkat di daftar dinilai keliru: membuka usulan DTSEN perubahan kondisi keluarga ini."),
    },
    Bucket.MISSING: {
        "accept": _(
            "Benar, keluarga ini tidak ada lagi di daftar (pindah, meninggal, …). Registri menyusul: ubah "
            "statusnya atau arsipkan di berkas kasusnya."
        ),
        "keep": _("Keluarga tetap di registri seperti sekarang; tulis alasannya (mis. masih tinggal di sini)."),
        "propose": _("Membuka usulan DTSEN: penghapusan (meninggal, pindah, …) atau perubahan data; Anda memilih."),
    },
    Bucket.CREATED: {
        "accept": _("Keluarga baru dari daftar ini benar; datanya dipakai seperti diimpor."),
        "keep": _("Data keluarga dibiarkan seperti diimpor, dengan alasannya (mis. perlu dikunjungi dulu)."),
        "propose": _("Data dari daftar keliru (anggota, kondisi): membuka usulan DTSEN perubahan data keluarga ini."),
    },
    Bucket.MISMATCH: {
        "accept": _(
            "Perbedaannya diterima: kelurahan atau No. KK yang diganti impor sudah benar; baris yang ditolak "
            "diperbaiki di berkas lalu diunggah ulang."
        ),
        "keep": _("Data registri yang benar, bukan berkasnya; tulis alasannya (mis. No. KK sudah dicek ke Dukcapil)."),
        "propose": _(
            "Membuka usulan DTSEN perbaikan NIK/No. KK rumah tangga ini (baris tanpa rumah tangga tidak bisa)."
        ),
    },
}


def decision_help() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(bucket, its label, [(decision label, what it means for that bucket)]) in Bucket and Choice order."""
    return [
        (
            bucket,
            str(label),
            [
                (str(choice_label), str(DECISION_HELP[bucket][choice]))
                for choice, choice_label in ReconciliationDecision.Choice.choices
            ],
        )
        for bucket, label in Bucket.choices
    ]


def _proposal_field_choices() -> list[Any]:
    return [("", "—"), *proposal_choices()]


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


class ReconcileForm(forms.Form):
    """Which list to reconcile: a list is the rankings of one source as of one date."""

    source = forms.ChoiceField(
        label=_("Jenis daftar"), choices=[("", _("— pilih jenis daftar —")), *RankingSource.choices]
    )
    as_of = forms.DateField(label=_("Daftar per tanggal"), widget=DateInput())


class DecisionForm(forms.Form):
    """The supervisor's decision on one reconciliation row (the row named by its bucket and key)."""

    bucket = forms.ChoiceField(choices=Bucket.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Keputusan"), choices=ReconciliationDecision.Choice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Alasan"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2}))
    # For "Usulkan perbaikan": the DTSEN proposal to open (empty: the row's bucket decides, imports.reconcile).
    proposal = forms.ChoiceField(label=_("Usulan DTSEN"), choices=_proposal_field_choices, required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind, _sep, reason = (data.get("proposal") or "").partition(":")
        data["proposal_kind"], data["proposal_reason"] = kind, reason
        if (
            data.get("decision") not in (None, ReconciliationDecision.Choice.ACCEPT)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Tuliskan alasannya: mempertahankan atau mengusulkan perbaikan perlu alasan."))
        return data
