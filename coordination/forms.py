import datetime
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from audit.forms import EditedFromMixin
from coordination.models import (
    HOUSEHOLD_NEEDS,
    DtsenProposal,
    GraduationProposal,
    ResponsibilityRule,
    need_refusal,
    needs_for,
)
from coordination.services import OUTSIDE_STATUSES, PROPOSAL_REASONS, REMOVAL_STATUS
from core.dates import EARLIEST, happened, planned
from core.forms import CHOOSE, DateInput, EmptyChoiceLabelsMixin, RupiahField, form_helper
from core.submissions import SubmitOnceMixin
from households.models import Household, Kelurahan, Person
from interventions.models import Program

if TYPE_CHECKING:
    from accounts.models import User


class AssessmentForm(SubmitOnceMixin, forms.Form):
    """A checklist: household needs once, then per active member only the needs that apply to them
    (`NEED_SCOPE`, by their age on the assessment date), each with a short note.

    Field names: `need_<code>` / `note_<code>` for the household, `need_<code>_<person id>` for members.
    A ticked need the page did not offer (a hand-edited request) is refused, not silently dropped.
    """

    assessed_on = forms.DateField(label=_("Tanggal asesmen"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        happened(self.fields["assessed_on"])
        self.on = self._ages_counted_on()
        self.members = list(household.members.filter(status="active").order_by("id"))
        self.household_needs = HOUSEHOLD_NEEDS
        self.member_needs = [(person, needs_for(person, self.on)) for person in self.members]
        for need in self.household_needs:
            self.fields[f"need_{need.value}"] = forms.BooleanField(label=need.label, required=False)
            self.fields[f"note_{need.value}"] = forms.CharField(label=_("Catatan"), required=False, max_length=300)
        for person, needs in self.member_needs:
            for need in needs:
                self.fields[f"need_{need.value}_{person.pk}"] = forms.BooleanField(label=need.label, required=False)
                self.fields[f"note_{need.value}_{person.pk}"] = forms.CharField(
                    label=_("Catatan"), required=False, max_length=300
                )

    def _ages_counted_on(self) -> datetime.date:
        """The day members' ages are counted on: the posted assessment date if it is valid, else today."""
        if self.is_bound:
            try:
                return self.fields["assessed_on"].clean(self.data.get(self.add_prefix("assessed_on")))
            except forms.ValidationError:
                pass
        return timezone.localdate()

    def household_rows(self):
        return [(need, self[f"need_{need.value}"], self[f"note_{need.value}"]) for need in self.household_needs]

    def member_rows(self):
        """Per active member: the member, their age on the assessment date, and the rows of their needs."""
        return [
            (
                person,
                person.age_on(self.on),
                [
                    (need, self[f"need_{need.value}_{person.pk}"], self[f"note_{need.value}_{person.pk}"])
                    for need in needs
                ],
            )
            for person, needs in self.member_needs
        ]

    def ticked(self) -> list[tuple[str, Person | None, str]]:
        data = self.cleaned_data
        ticked: list[tuple[str, Person | None, str]] = [
            (n.value, None, data[f"note_{n.value}"]) for n in self.household_needs if data.get(f"need_{n.value}")
        ]
        for person, needs in self.member_needs:
            for need in needs:
                if data.get(f"need_{need.value}_{person.pk}"):
                    ticked.append((need.value, person, data[f"note_{need.value}_{person.pk}"]))
        return ticked

    def _not_offered(self, key: str) -> str:
        """Why a ticked `need_…` box that the page did not offer is refused."""
        code, _sep, pk = key.removeprefix("need_").rpartition("_")
        person = next((p for p in self.members if str(p.pk) == pk), None)
        if person is not None:
            refusal = need_refusal(code, person, self.on)
        elif pk.isdigit():
            refusal = gettext("Anggota bukan bagian dari rumah tangga ini atau sudah tidak aktif.")
        else:
            refusal = need_refusal(key.removeprefix("need_"), None, self.on)
        return refusal or gettext("Kebutuhan tidak dikenal.")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for key in self.data:
            if key.startswith("need_") and key not in self.fields:
                self.add_error(None, self._not_offered(key))
        if not self.errors and not self.ticked():
            raise forms.ValidationError(_("Centang paling sedikit satu kebutuhan."))
        return data


class ConsolidationFilterForm(forms.Form):
    """The consolidation matrix's kelurahan (a default one when none is chosen) and OPD."""

    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"), queryset=Kelurahan.objects.select_related("kecamatan"), required=False
    )
    opd = forms.ModelChoiceField(label=_("OPD"), queryset=Opd.objects.all(), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Alasan penolakan wajib diisi.")},
    )


class AssignForm(EmptyChoiceLabelsMixin):
    assignee: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(label=_("Petugas"), queryset=None)

    def __init__(self, *args, opd, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        # django-stubs types `self.fields` as plain Fields; this one is a ModelChoiceField.
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            opd=opd, is_active=True
        ).order_by("first_name", "username")


class FulfilForm(SubmitOnceMixin, forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    delivered_on = forms.DateField(label=_("Tanggal tersalurkan"), widget=DateInput(), initial=timezone.localdate)
    amount = RupiahField(label=_("Nilai (Rp)"), min_value=0, required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, max_length=2000)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(opd=referral.opd, is_active=True).select_related("opd")
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]  # a ModelChoiceField (stubs: Field)
        rule = ResponsibilityRule.objects.filter(need=referral.need, opd=referral.opd).first()
        suggested = list(rule.programs.filter(opd=referral.opd).values_list("pk", flat=True)) if rule else []
        if suggested:
            self.fields["program"].initial = suggested[0]
        happened(self.fields["delivered_on"])
        self.helper = form_helper()


class ReassignForm(EmptyChoiceLabelsMixin):
    opd: "forms.ModelChoiceField[Opd]" = forms.ModelChoiceField(label=_("OPD tujuan baru"), queryset=None)
    due_on = forms.DateField(label=_("Batas waktu baru"), widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Opd

        self.fields["opd"].queryset = Opd.objects.filter(is_active=True)  # type: ignore[attr-defined]  # ModelChoiceField
        planned(self.fields["due_on"])


class ProposalForm(SubmitOnceMixin, forms.Form):
    basis = forms.ChoiceField(
        label=_("Dasar usulan"), choices=GraduationProposal.Basis.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Setujui")), ("reject", _("Tolak"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Alasan keputusan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Alasan keputusan wajib diisi.")},
    )


class RuleForm(EditedFromMixin, forms.ModelForm):
    class Meta:
        model = ResponsibilityRule
        fields = ["opd", "programs", "due_days"]
        widgets = {"programs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # django-stubs types `self.fields` as plain Fields; this one is a ModelMultipleChoiceField.
        self.fields["programs"].queryset = Program.objects.filter(is_active=True).select_related("opd")  # type: ignore[attr-defined]
        self.helper = form_helper()


class DtsenProposalForm(SubmitOnceMixin, EmptyChoiceLabelsMixin, forms.Form):
    """A caseworker's proposal to change DTSEN for one household (coordination.services.dtsen_propose)."""

    kind = forms.ChoiceField(label=_("Jenis usulan"), choices=DtsenProposal.Kind.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Alasan"), choices=DtsenProposal.Reason.choices)
    person = forms.ModelChoiceField(
        label=_("Anggota yang diusulkan"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Seluruh keluarga"),
        help_text=_("Pilih anggota bila usulan hanya untuk satu orang (mis. meninggal, NIK diperbaiki)."),
    )
    description = forms.CharField(
        label=_("Keterangan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Apa yang berubah dan dari mana diketahui; ini dibacakan di musyawarah kelurahan."),
        error_messages={"required": _("Keterangan usulan wajib diisi.")},
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["person"].queryset = household.members.filter(status="active").order_by("id")  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean() or {}
        kind, reason = cleaned.get("kind"), cleaned.get("reason")
        if kind and (refusal := DtsenProposal.kind_refusal(kind, self.household)):
            self.add_error("kind", refusal)
        elif kind and reason and reason not in PROPOSAL_REASONS[kind]:
            allowed = ", ".join(str(DtsenProposal.Reason(r).label) for r in PROPOSAL_REASONS[kind])
            self.add_error(
                "reason",
                gettext("Untuk usulan %(kind)s pilih salah satu alasan: %(allowed)s.")
                % {"kind": DtsenProposal.Kind(kind).label.lower(), "allowed": allowed},
            )
        return cleaned


class MuskelForm(forms.Form):
    """What the kelurahan meeting (musyawarah kelurahan) decided, from its berita acara."""

    held_on = forms.DateField(label=_("Tanggal musyawarah"), widget=DateInput())
    minutes_number = forms.CharField(
        label=_("Nomor berita acara"),
        max_length=60,
        error_messages={"required": _("Nomor berita acara musyawarah wajib diisi.")},
    )
    attendees = forms.IntegerField(
        label=_("Jumlah peserta hadir"),
        min_value=1,
        max_value=5000,
        error_messages={"min_value": _("Jumlah peserta hadir minimal 1.")},
    )
    agreed = forms.TypedChoiceField(
        label=_("Keputusan musyawarah"),
        choices=[("1", _("Setuju diusulkan")), ("0", _("Tidak setuju"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Catatan musyawarah"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, proposal: DtsenProposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        happened(self.fields["held_on"])
        if proposal is not None:  # the date picker's hint; clean() decides
            earliest = max(EARLIEST, proposal.submitted_on)
            self.fields["held_on"].widget.attrs["min"] = earliest.isoformat()
        self.fields["attendees"].widget.attrs["inputmode"] = "numeric"

    def deliberated(self, cleaned: dict) -> list[DtsenProposal]:
        """The proposals this meeting is recorded for."""
        return [self.proposal] if self.proposal is not None else []

    def clean(self):
        cleaned = super().clean() or {}
        held_on = cleaned.get("held_on")
        # The proposal entered last is the one a meeting cannot precede (one message, not one per proposal).
        latest = max(self.deliberated(cleaned), key=lambda p: p.proposed_at, default=None)
        if held_on is not None and latest is not None and (refusal := latest.muskel_date_refusal(held_on)):
            self.add_error("held_on", refusal)
        return cleaned


class DtsenDecisionForm(forms.Form):
    """A supervisor's decision on a DTSEN proposal, with what it does to the household (`effect`).

    The household's status after the decision is asked only when a decision offered needs it
    (`DtsenProposal.needs_resulting_status`), and is required (marked so) when the decision chosen needs it."""

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("approve", _("Setujui")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    resulting_status = forms.ChoiceField(
        label=_("Status rumah tangga setelah keputusan"),
        choices=[("", CHOOSE), *[(s.value, s.label) for s in OUTSIDE_STATUSES]],
        error_messages={"required": _("Pilih status rumah tangga setelah keputusan ini.")},
    )
    note = forms.CharField(
        label=_("Catatan keputusan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Catatan keputusan wajib diisi.")},
    )

    def __init__(self, *args, proposal: DtsenProposal, **kwargs):
        super().__init__(*args, **kwargs)
        if not proposal.muskel_agreed or proposal.ground_check_ok is False:
            # Only a Muskel that agreed (and no failed ground check) lets a proposal be approved: offer only rejection.
            self.fields["decision"].choices = [("reject", _("Tolak"))]  # type: ignore[attr-defined]
            self.fields["decision"].initial = "reject"
        offered = [value for value, _label in self.fields["decision"].choices]  # type: ignore[attr-defined]
        status = proposal.household.status
        needing = [
            d for d in offered if proposal.needs_resulting_status(approve=d == "approve", household_status=status)
        ]
        self.effect = decision_effect(proposal)
        if not needing:
            del self.fields["resulting_status"]
            return
        field = self.fields["resulting_status"]
        if "approve" in needing and proposal.kind == DtsenProposal.Kind.REMOVAL and proposal.person is None:
            field.initial = REMOVAL_STATUS.get(proposal.reason, "")  # a whole family gone: what its reason says
        if len(needing) == len(offered):
            return  # required whatever is decided
        if needing == ["approve"]:
            field.label = _("Status rumah tangga bila usulan disetujui")
            field.help_text = _("Bila usulan ditolak, status rumah tangga tetap seperti sekarang.")
        else:
            field.label = _("Status rumah tangga bila usulan ditolak")
            field.help_text = _(
                "Wajib bila usulan ditolak: status keluarga ini selanjutnya (bila disetujui, menjadi miskin ekstrem)."
            )
        if self.is_bound and self.data.get(self.add_prefix("decision")) not in needing:
            field.required = False  # the other decision: the status stays as it is


def decision_effect(proposal: DtsenProposal) -> str:
    """What approving (and rejecting) this proposal does to the household, for the decision page."""
    proposed = proposal.household.status == Household.Status.PROPOSED
    if proposal.kind == DtsenProposal.Kind.REMOVAL:
        effect = gettext(
            "Menyetujui usulan penghapusan mengeluarkan keluarga ini dari DTSEN: pilih statusnya setelah itu (mis. "
            "pindah, meninggal/bubar); keluarga yang berstatus miskin ekstrem keluar dari angka resmi."
        )
        if not proposed:
            effect += " " + gettext("Menolaknya membiarkan status rumah tangga seperti sekarang.")
        return effect
    if proposed:
        return gettext(
            "Keluarga ini menunggu verifikasi (diusulkan). Menyetujui usulan membuatnya miskin ekstrem resmi: masuk "
            "angka resmi. Menolaknya: pilih status keluarga ini selanjutnya."
        )
    if proposal.kind == DtsenProposal.Kind.NEW:
        return gettext(
            "Menyetujui mencatat keluarga ini untuk diinput ke SIKS-NG sebagai keluarga baru; status rumah tangganya "
            "(%(status)s) tidak berubah."
        ) % {"status": proposal.household.get_status_display()}
    return gettext(
        "Menyetujui mencatat perubahan data ini untuk diinput ke SIKS-NG; status rumah tangganya (%(status)s) tidak "
        "berubah dan angka resmi tidak bergeser."
    ) % {"status": proposal.household.get_status_display()}


class EnteredForm(forms.Form):
    """The operator confirms an approved proposal was typed into SIKS-NG (no script needed: a page of its own)."""

    confirmed = forms.BooleanField(
        label=_("Ya, usulan ini sudah saya input ke SIKS-NG"),
        error_messages={"required": _("Centang untuk memastikan usulan ini sudah diinput ke SIKS-NG.")},
    )


class EnteredUndoForm(forms.Form):
    """A supervisor takes back a SIKS-NG mark set by mistake, saying why."""

    reason = forms.CharField(
        label=_("Alasan pembatalan tanda"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Mis. salah klik, atau SIKS-NG menolak data yang diinput."),
        error_messages={"required": _("Alasan pembatalan tanda wajib diisi.")},
    )


YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]


def _yes(value: str) -> bool:
    return value == "1"


class GroundCheckForm(forms.Form):
    """The checklist of a field check (cek lapangan) of a DTSEN proposal."""

    visited_on = forms.DateField(label=_("Tanggal cek lapangan"), widget=DateInput(), initial=timezone.localdate)
    house_matches = forms.TypedChoiceField(
        label=_("Kondisi rumah sesuai data?"), choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )
    members_present = forms.IntegerField(label=_("Jumlah anggota keluarga yang dijumpai"), min_value=0, max_value=99)
    documents_seen = forms.TypedChoiceField(
        label=_("KK/KTP asli diperlihatkan?"), choices=YES_NO, coerce=_yes, widget=forms.RadioSelect
    )
    ok = forms.TypedChoiceField(
        label=_("Hasil cek lapangan"),
        choices=[("1", _("Sesuai usulan")), ("0", _("Tidak sesuai usulan"))],
        coerce=_yes,
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("Temuan"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        happened(self.fields["visited_on"])
        self.fields["members_present"].widget.attrs["inputmode"] = "numeric"


class MuskelManyForm(SubmitOnceMixin, MuskelForm):
    """One kelurahan meeting for several proposals of that kelurahan: those it decided the same way."""

    proposals = forms.ModelMultipleChoiceField(
        label=_("Usulan yang diputuskan sama"),
        queryset=DtsenProposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu usulan.")},
        help_text=_(
            "Usulan yang diputuskan berbeda (mis. tidak setuju) dicatat sesudahnya dengan nomor berita acara yang sama."
        ),
    )

    field_order = ["proposals", "held_on", "minutes_number", "attendees", "agreed", "note"]

    def __init__(self, *args, kelurahan: Kelurahan, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = DtsenProposal.objects.filter(
            household__kelurahan=kelurahan, state=DtsenProposal.State.SUBMITTED
        ).select_related("household", "person")
        self.fields["proposals"].queryset = waiting.order_by("id")  # type: ignore[attr-defined]
        self.fields["proposals"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"#{p.pk} {p.household.head_name or '—'} · {p.get_kind_display()} — {p.get_reason_display()}"
        )
        self.order_fields(self.field_order)

    def deliberated(self, cleaned: dict) -> list[DtsenProposal]:
        return list(cleaned.get("proposals") or [])
