from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.forms import EditedFromMixin
from core.dates import happened, planned, refusal, validate_happened
from core.forms import DateInput, MergesAfterStaleMixin, RupiahField, VersionField, form_helper
from core.submissions import SubmitOnceMixin
from households.models import Household, Person
from interventions.models import Intervention, Program, Target
from interventions.services import same_period_interventions

WHOLE_HOUSEHOLD = "household"


def _duplicate_warning(existing: list[Intervention]) -> str:
    first = existing[0]
    return _(
        "%(program)s sudah pernah dicatat untuk penerima ini pada periode yang sama (%(status)s, rencana "
        "%(date)s). Bila memang perlu dicatat lagi, centang konfirmasi lalu simpan."
    ) % {
        "program": first.program.name,
        "status": first.get_status_display(),
        "date": first.planned_on.strftime("%d/%m/%Y"),
    }


class InterventionForm(SubmitOnceMixin, forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    recipient = forms.ChoiceField(label=_("Penerima"))
    planned_on = forms.DateField(label=_("Tanggal rencana"), widget=DateInput(), initial=timezone.localdate)
    amount = RupiahField(label=_("Nilai (Rp)"), min_value=0, required=False)
    quantity = forms.DecimalField(label=_("Jumlah"), min_value=0, max_digits=12, decimal_places=2, required=False)
    notes = forms.CharField(
        label=_("Catatan"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    confirm_duplicate = forms.BooleanField(label=_("Ya, catat walaupun sudah ada pada periode ini"), required=False)
    day_field = "planned_on"  # the day the programme's period is counted from

    def __init__(self, *args, household: Household, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.needs_confirmation = False
        self.duplicates: list[Intervention] = []
        # django-stubs types `self.fields` as plain Fields; the choice fields' attributes need ignores.
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["program"].label_from_instance = lambda p: f"{p.name} ({p.opd.short_name})"  # type: ignore[attr-defined]
        members = household.members.filter(status=Person.Status.ACTIVE).order_by("id")
        self.members = {str(person.pk): person for person in members}
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            (WHOLE_HOUSEHOLD, _("Seluruh rumah tangga")),
            *[(pk, person.full_name) for pk, person in self.members.items()],
        ]
        if "planned_on" in self.fields:
            planned(self.fields["planned_on"])
        self.helper = form_helper()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        program, recipient = data.get("program"), data.get("recipient")
        if program is None or recipient is None:
            return data
        person = self.members.get(recipient)
        if program.target == Target.PERSON and person is None:
            self.add_error("recipient", _("Program ini untuk perorangan: pilih anggota penerima."))
            return data
        # A household programme (food aid, house renovation) goes to the whole household.
        data["person"] = person if program.target == Target.PERSON else None
        existing = list(
            same_period_interventions(
                program=program,
                on=data.get(self.day_field) or timezone.localdate(),
                person=data["person"],
                household=self.household,
            ).select_related("program")[:1]
        )
        if existing and not data.get("confirm_duplicate"):
            self.needs_confirmation = True
            self.duplicates = existing  # the page links to them: updating one is often what was meant
            raise ValidationError(_duplicate_warning(existing), code="duplicate")
        return data


class DeliveredInterventionForm(InterventionForm):
    """A programme already handed over, recorded in one step: the delivery day instead of a planned one."""

    planned_on = None  # type: ignore[assignment]  # removes the parent's field
    delivered_on = forms.DateField(label=_("Tanggal tersalurkan"), widget=DateInput(), initial=timezone.localdate)
    amount = RupiahField(label=_("Nilai tersalurkan (Rp)"), min_value=0, required=False)
    day_field = "delivered_on"
    field_order = ["program", "recipient", "delivered_on", "amount", "quantity", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        happened(self.fields["delivered_on"])


class InterventionEditForm(MergesAfterStaleMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Intervention
        fields = ["planned_on", "amount", "quantity", "notes"]
        field_classes = {"amount": RupiahField}
        widgets = {"planned_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), widget=forms.RadioSelect)
    version = VersionField()
    delivered_on = forms.DateField(
        label=_("Tanggal tersalurkan"), widget=DateInput(), required=False, help_text=_("Wajib bila tersalurkan.")
    )
    amount = RupiahField(label=_("Nilai tersalurkan (Rp)"), min_value=0, required=False)
    cancel_reason = forms.CharField(
        label=_("Alasan pembatalan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Wajib bila dibatalkan."),
    )

    def __init__(self, *args, intervention: Intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervention = intervention
        allowed = Intervention.TRANSITIONS[intervention.status]
        self.fields["status"].choices = [  # type: ignore[attr-defined]  # a ChoiceField (stubs: Field)
            (v, label) for v, label in Intervention.Status.choices if v in allowed
        ]
        happened(self.fields["delivered_on"], check=False)  # checked in clean(), when the status is delivered
        self.fields["delivered_on"].initial = timezone.localdate()
        self.fields["amount"].initial = intervention.amount
        self.fields["version"].initial = intervention.version
        self.helper = form_helper()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        if status == Intervention.Status.DELIVERED:
            delivered_on = data.get("delivered_on")
            if not delivered_on:
                self.add_error("delivered_on", _("Tanggal tersalurkan wajib diisi."))
            elif (refused := refusal(validate_happened, delivered_on)) is not None:
                self.add_error("delivered_on", refused)
            elif delivered_on < self.intervention.planned_on:
                self.add_error("delivered_on", _("Tanggal tersalurkan tidak boleh sebelum tanggal rencana."))
        if status == Intervention.Status.CANCELLED and not (data.get("cancel_reason") or "").strip():
            self.add_error("cancel_reason", _("Alasan pembatalan wajib diisi."))
        return data


class BulkInterventionForm(SubmitOnceMixin, forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    planned_on = forms.DateField(
        label=_("Tanggal"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("Tanggal rencana; tanggal penyerahan bila sudah tersalurkan."),
    )
    amount = RupiahField(label=_("Nilai per penerima (Rp)"), min_value=0, required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, max_length=4000)
    persons = forms.ModelMultipleChoiceField(
        label=_("Penerima"),
        queryset=Person.objects.none(),
        widget=forms.MultipleHiddenInput,
        required=True,
        error_messages={"required": _("Pilih paling sedikit satu penerima.")},
    )
    already_delivered = forms.BooleanField(
        label=_("Sudah tersalurkan pada tanggal ini"),
        required=False,
        help_text=_("Centang bila bantuan sudah diserahkan: dicatat langsung sebagai tersalurkan."),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("Ya, catat juga untuk yang sudah menerima pada periode ini"), required=False
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_confirmation = False
        # django-stubs types `self.fields` as plain Fields; the choice fields' attributes need ignores.
        self.fields["program"].queryset = programs.filter(target=Target.PERSON)  # type: ignore[attr-defined]
        self.fields["program"].label_from_instance = lambda p: f"{p.name} ({p.opd.short_name})"  # type: ignore[attr-defined]
        self.fields["persons"].queryset = Person.objects.workable()  # type: ignore[attr-defined]
        planned(self.fields["planned_on"])
        self.helper = form_helper()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        program, persons = data.get("program"), data.get("persons")
        day = data.get("planned_on")
        if data.get("already_delivered") and day and (refused := refusal(validate_happened, day)) is not None:
            self.add_error("planned_on", refused)  # a delivery has happened: not in the future
            return data
        if not program or not persons or data.get("confirm_duplicate"):
            return data
        on = data.get("planned_on") or timezone.localdate()
        already = [p for p in persons if same_period_interventions(program=program, on=on, person=p).exists()]
        if already:
            self.needs_confirmation = True
            names = ", ".join(p.full_name for p in already[:10])
            raise ValidationError(
                _(
                    "%(count)d penerima sudah mendapat %(program)s pada periode yang sama: %(names)s. "
                    "Centang konfirmasi untuk tetap mencatat."
                )
                % {"count": len(already), "program": program.name, "names": names},
                code="duplicate",
            )
        return data


class ProgramForm(EditedFromMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = ["opd", "name", "description", "strategy", "target", "unit", "funding_source", "period", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
