from typing import TYPE_CHECKING, cast

from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.forms import EditedFromMixin
from core.dates import born, happened, planned
from core.forms import (
    DateInput,
    DigitsField,
    EmptyChoiceLabelsMixin,
    MergesAfterStaleMixin,
    RupiahField,
    VersionField,
    digits_only,
    form_helper,
)
from core.identity import mask
from core.submissions import SubmitOnceMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from households.models import (
    HOUSE_INDICATOR_FIELDS,
    Household,
    Kelurahan,
    Person,
    PovertyLine,
    Relation,
    Visit,
    normalize_name,
)
from households.services import head_taken_message

HOUSEHOLD_FIELDS = [
    "kelurahan",
    "address",
    "rt",
    "rw",
    "no_kk",
    "p3ke_id",
    *HOUSE_INDICATOR_FIELDS,
    "latitude",
    "longitude",
    "expenditure_per_capita",
    "expenditure_measured_on",
]

PERSON_FIELDS = [
    "full_name",
    "nik",
    "sex",
    "birth_date",
    "birth_place",
    "relation",
    "marital_status",
    "education",
    "occupation",
    "disability",
    "chronic_illness",
    "health_insurance",
    "is_extreme_poor",
]


class HouseholdForm(EmptyChoiceLabelsMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        field_classes = {"no_kk": DigitsField, "expenditure_per_capita": RupiahField}
        widgets = {"expenditure_measured_on": DateInput(), "address": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # django-stubs types `self.fields` as plain Fields; the choice fields' attributes need ignores.
        self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by(  # type: ignore[attr-defined]
            "kecamatan__name", "name"
        )
        self.fields["kelurahan"].label_from_instance = lambda k: f"{k.name} — {k.kecamatan.name}"  # type: ignore[attr-defined]
        happened(self.fields["expenditure_measured_on"])
        for name in ("rt", "rw"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.helper = form_helper()
        self.helper.layout = Layout(
            Fieldset(
                _("Alamat"),
                "kelurahan",
                "address",
                Div(Div("rt", css_class="col-6"), Div("rw", css_class="col-6"), css_class="row"),
            ),
            Fieldset(_("Identitas keluarga"), "no_kk", "p3ke_id"),
        )
        # Shown after the members (on a phone, eight house-condition selects came before the first member).
        self.house_helper = form_helper()
        self.house_helper.render_hidden_fields = False  # the first part carries them
        self.house_helper.layout = Layout(
            Fieldset(
                _("Kondisi rumah (P3KE)"),
                Div(*[Div(name, css_class="col-6") for name in HOUSE_INDICATOR_FIELDS], css_class="row"),
            ),
            Fieldset(
                _("Lokasi dan pengeluaran (bila ada)"),
                Div(Div("latitude", css_class="col-6"), Div("longitude", css_class="col-6"), css_class="row"),
                Div(
                    Div("expenditure_per_capita", css_class="col-sm-6"),
                    Div("expenditure_measured_on", css_class="col-sm-6"),
                    css_class="row",
                ),
            ),
        )

    @property
    def house_open(self) -> bool:
        """The house part starts folded on a new registration (it can be filled in on a later visit); open
        when anything in it is filled in or refused."""
        names = (*HOUSE_INDICATOR_FIELDS, "latitude", "longitude", "expenditure_per_capita", "expenditure_measured_on")
        return any(self[name].errors or self[name].value() not in (None, "") for name in names)

    def clean_no_kk(self) -> str:
        return _not_taken(
            self,
            "no_kk",
            _("No. KK ini sudah dipakai {link}. Buka data itu dan jangan mendaftar dua kali, atau periksa nomornya."),
        )

    def clean_p3ke_id(self) -> str:
        return _not_taken(
            self,
            "p3ke_id",
            _(
                "ID keluarga P3KE ini sudah dipakai {link}. Buka data itu dan jangan mendaftar dua kali, "
                "atau periksa ID-nya."
            ),
        )

    def clean_rt(self) -> str:
        return _pad(self.cleaned_data["rt"], _("RT"))

    def clean_rw(self) -> str:
        return _pad(self.cleaned_data["rw"], _("RW"))


def _not_taken(form: forms.ModelForm, name: str, message: "StrOrPromise") -> str:
    """A No. KK or P3KE id already held by another household is refused on its field, with a link to that one."""
    value = form.cleaned_data[name]
    if value:
        other = Household.objects.filter(**{name: value}).exclude(pk=form.instance.pk).first()
        if other is not None:
            raise ValidationError(format_html(str(message), link=_household_link(other)), code="unique")
    return value


def _household_link(household: Household) -> str:
    label = _("rumah tangga #%(id)s") % {"id": household.pk}
    if household.head_name:
        label = f"{label} ({household.head_name})"
    return format_html('<a href="{}">{}</a>', reverse("cases:detail", args=[household.pk]), label)


def _pad(value: str, label) -> str:
    value = digits_only(value)
    if value and not value.isdigit():
        raise ValidationError(_("%(label)s hanya berisi angka.") % {"label": label})
    return value.zfill(3) if value else ""


class HouseholdRegisterForm(SubmitOnceMixin, HouseholdForm):
    pass


def registered_already(*, kelurahan: Kelurahan, address: str, head_name: str) -> Household | None:
    """An active household at the same address with the same head: the same registration sent again."""
    return (
        Household.objects.active()
        .filter(
            kelurahan=kelurahan,
            address__iexact=" ".join(address.split()),
            members__relation=Relation.HEAD,
            members__search_name=normalize_name(head_name),
        )
        .first()
    )


def already_registered_message(household: Household) -> str:
    return format_html(
        gettext(
            "Rumah tangga dengan alamat dan kepala keluarga ini sudah terdaftar: {link}. "
            "Buka data itu; jangan mendaftar dua kali."
        ),
        link=format_html(
            '<a href="{}">{}</a>',
            reverse("cases:detail", args=[household.pk]),
            _("rumah tangga #%(id)s") % {"id": household.pk},
        ),
    )


def keep_stored_number(form: forms.ModelForm, name: str) -> None:
    """An edit form never shows a stored NIK / No. KK (that would bypass the recorded reveal):
    the field starts empty, and empty means "keep the stored number"."""
    stored = getattr(form.instance, name)
    if stored:
        form.initial[name] = ""
        form.fields[name].help_text = _(
            "Tersimpan: %(masked)s. Kosongkan untuk tetap memakai nomor ini; isi hanya untuk menggantinya."
        ) % {"masked": mask(stored)}


class HouseholdEditForm(MergesAfterStaleMixin, HouseholdForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_stored_number(self, "no_kk")

    def clean_no_kk(self) -> str:
        if not self.cleaned_data["no_kk"]:
            return self.instance.no_kk
        return super().clean_no_kk()


class PersonForm(EmptyChoiceLabelsMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        field_classes = {"nik": DigitsField}
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        born(self.fields["birth_date"])
        self.helper = form_helper()
        self.helper.layout = Layout(
            Div(
                Div("full_name", css_class="col-md-6"),
                Div("nik", css_class="col-md-6"),
                Div("sex", css_class="col-6 col-md-3"),
                Div("birth_date", css_class="col-6 col-md-3"),
                Div("birth_place", css_class="col-md-6"),
                Div("relation", css_class="col-md-6"),
                Div("marital_status", css_class="col-6"),
                Div("education", css_class="col-6"),
                Div("occupation", css_class="col-6"),
                Div("disability", css_class="col-6"),
                Div("health_insurance", css_class="col-6"),
                Div("chronic_illness", css_class="col-6"),
                Div(Field("is_extreme_poor"), css_class="col-md-6 align-self-end"),
                css_class="row",
            )
        )

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"]
        if nik:
            existing = Person.objects.filter(nik=nik).exclude(pk=self.instance.pk).select_related("household").first()
            if existing is not None:
                # Lead to the person already registered instead of creating a duplicate.
                raise ValidationError(
                    format_html(
                        gettext(
                            "NIK ini sudah terdaftar atas nama {name} di {link}. "
                            "Buka data itu; jangan mendaftar dua kali."
                        ),
                        name=existing.full_name,
                        link=format_html(
                            '<a href="{}">{}</a>',
                            reverse("cases:detail", args=[existing.household_id]),
                            _("rumah tangga #%(id)s") % {"id": existing.household_id},
                        ),
                    ),
                    code="duplicate_nik",
                )
        return nik


class PersonAddForm(SubmitOnceMixin, PersonForm):
    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.instance.household = household  # so the model's checks (one head) see where the member goes

    def clean(self) -> dict:
        """The same member sent again (back button, then save) is not added twice."""
        super().clean()
        data = self.cleaned_data
        name = data.get("full_name")
        if name:
            same = Person.objects.filter(
                household=self.household, search_name=normalize_name(name), birth_date=data.get("birth_date")
            ).first()
            if same is not None:
                raise ValidationError(
                    _(
                        "%(name)s dengan tanggal lahir yang sama sudah tercatat di rumah tangga ini; "
                        "tidak ditambahkan dua kali."
                    )
                    % {"name": same.full_name},
                    code="duplicate_member",
                )
        return data


class PersonEditForm(MergesAfterStaleMixin, PersonForm):
    version = VersionField()

    class Meta(PersonForm.Meta):
        fields = [*PERSON_FIELDS, "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout[0].append(Div("status", css_class="col-md-6"))
        keep_stored_number(self, "nik")

    def clean_nik(self) -> str:
        if not self.cleaned_data["nik"]:
            return self.instance.nik
        return super().clean_nik()


class BaseMemberFormSet(forms.BaseFormSet):
    # `_should_delete_form` is Django's own (private, so not in django-stubs): what "delete" means for a row.
    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.has_changed() and not self._should_delete_form(form)]  # type: ignore[attr-defined]
        if not kept:
            raise ValidationError(_("Isi paling sedikit satu anggota rumah tangga."))
        niks = [form.cleaned_data.get("nik") for form in kept if form.cleaned_data.get("nik")]
        if len(niks) != len(set(niks)):
            raise ValidationError(_("NIK yang sama diisi untuk dua anggota."))
        heads = [form for form in kept if form.cleaned_data.get("relation") == "kepala"]
        if len(heads) != 1:
            raise ValidationError(_("Tandai tepat satu anggota sebagai kepala keluarga."))

    def kept_members(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in PERSON_FIELDS}
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)  # type: ignore[attr-defined]
        ]


# formset_factory makes a subclass of `formset` (the stubs say only BaseFormSet).
MemberFormSet = cast(
    type[BaseMemberFormSet],
    forms.formset_factory(PersonForm, formset=BaseMemberFormSet, extra=1, can_delete=True, max_num=30),
)


def member_formset(data=None, *, add_row: bool = False) -> BaseMemberFormSet:
    """The members of a new household. `add_row` re-shows the posted rows with one more empty row
    (how "add a member" works without JavaScript)."""
    if data is not None and add_row:
        data = data.copy()
        total = int(data.get("members-TOTAL_FORMS", "1") or 1)
        data["members-TOTAL_FORMS"] = str(min(total + 1, 30))
        formset = MemberFormSet(data, prefix="members")
        formset.is_bound = True
        return formset
    return MemberFormSet(data, prefix="members")


class StatusForm(SubmitOnceMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), choices=())
    version = VersionField()
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Alasan perubahan status wajib diisi.")},
    )

    def __init__(self, *args, statuses: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]  # a ChoiceField (stubs: Field)


class MoveForm(EmptyChoiceLabelsMixin):
    target = forms.CharField(
        label=_("Rumah tangga tujuan"),
        help_text=_("Nomor rumah tangga (mis. 125) atau No. KK tujuan."),
        max_length=20,
    )
    relation = forms.ChoiceField(
        label=_("Hubungan dengan kepala keluarga di rumah tangga tujuan"), choices=Relation.choices
    )
    reason = forms.CharField(label=_("Alasan pindah"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    version = VersionField()

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["relation"].initial = person.relation

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        target, relation = data.get("target"), data.get("relation")
        if target is not None and relation == Relation.HEAD:
            head = Person.objects.heads().filter(household=target).exclude(pk=self.person.pk).first()
            if head is not None:
                self.add_error("relation", head_taken_message(household=target, head=head, person=self.person))
        return data

    def clean_target(self) -> Household:
        value = digits_only(self.cleaned_data["target"]).lstrip("#")
        household = None
        if len(value) == 16:
            household = Household.objects.filter(no_kk=value).first()
        elif value.isdigit():
            household = Household.objects.filter(pk=int(value)).first()
        if household is None:
            raise ValidationError(_("Rumah tangga tujuan tidak ditemukan."))
        return household


class VisitFields(EmptyChoiceLabelsMixin, forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "purpose", "findings", "next_follow_up_on"]
        widgets = {
            "visited_on": DateInput(),
            "next_follow_up_on": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        happened(self.fields["visited_on"])
        planned(self.fields["next_follow_up_on"])
        self.fields["visited_on"].required = True
        self.helper = form_helper()


class VisitForm(SubmitOnceMixin, VisitFields):
    pass


class VisitEditForm(MergesAfterStaleMixin, VisitFields):
    version = VersionField()


class PovertyLineForm(EditedFromMixin, forms.ModelForm):
    class Meta:
        model = PovertyLine
        fields = ["valid_from", "amount", "source"]
        field_classes = {"amount": RupiahField}
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


class UnarchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan dikeluarkan dari arsip"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Alasan mengeluarkan dari arsip wajib diisi.")},
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pengarsipan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Alasan pengarsipan wajib diisi.")},
    )
