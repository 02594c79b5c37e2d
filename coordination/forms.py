import datetime
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd
from audit.forms import EditedFromMixin
from coordination.models import HOUSEHOLD_NEEDS, GraduationProposal, ResponsibilityRule, need_refusal, needs_for
from core.dates import happened, planned
from core.forms import DateInput, EmptyChoiceLabelsMixin, RupiahField, form_helper
from core.submissions import SubmitOnceMixin
from households.models import Kelurahan, Person
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
