"""What the API reads and writes. Read shapes list a record's stored fields (NIK and No. KK masked unless the
caller asked to see them and may); write shapes give the types, and the page's own form checks the values
(api.validation)."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Opd
from coordination.models import Assessment, Need, Referral
from core.identity import mask
from households.forms import HOUSEHOLD_FIELDS, PERSON_FIELDS
from households.models import Household, Kecamatan, Kelurahan, Person, Visit
from interventions.models import Intervention, Program


@extend_schema_field(serializers.CharField(help_text=_("Disamarkan (6271••••••••0003) kecuali diminta ?reveal=1.")))
class IdentityNumberField(serializers.CharField):
    """A NIK or No. KK: masked, unless the view put `reveal` in the context (the caller asked and may)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        text = str(value or "")
        return text if self.context.get("reveal") else mask(text)


class Stored(serializers.ModelSerializer):
    """A record as stored, read-only; an empty or missing value is in the schema when the model allows it."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        model = self.Meta.model
        for name, field in fields.items():
            try:
                model_field = model._meta.get_field(field.source or name)
            except FieldDoesNotExist:  # a method field
                continue
            if getattr(model_field, "blank", False) and isinstance(
                field, serializers.CharField | serializers.ChoiceField
            ):
                field.allow_blank = True
            if getattr(model_field, "null", False):
                field.allow_null = True
        return fields


class KecamatanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kecamatan
        fields = ["id", "name", "code", "bps_code"]


class KelurahanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kelurahan
        fields = ["id", "name", "code", "bps_code", "kecamatan", "is_priority_locus"]


class OpdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Opd
        fields = ["id", "name", "short_name", "is_active"]


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id",
            "opd",
            "name",
            "description",
            "strategy",
            "target",
            "unit",
            "funding_source",
            "period",
            "is_active",
        ]


class PersonSerializer(Stored):
    nik = IdentityNumberField()

    class Meta:
        model = Person
        fields = ["id", "household", *PERSON_FIELDS, "is_served", "status", "version", "created_at", "updated_at"]
        read_only_fields = fields


class HouseholdSerializer(Stored):
    no_kk = IdentityNumberField()
    archived = serializers.SerializerMethodField()
    members = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            *HOUSEHOLD_FIELDS,
            "status",
            "desil",
            "desil_source",
            "desil_as_of",
            "head_name",
            "member_count",
            "extreme_poor_count",
            "last_visit_on",
            "next_follow_up_on",
            "archived",
            "version",
            "created_at",
            "updated_at",
            "members",
        ]
        read_only_fields = fields

    def get_archived(self, household: Household) -> bool:
        return household.archived_at is not None


def _no_validators(fields: dict[str, serializers.Field]) -> dict[str, serializers.Field]:
    """Types and choices from the model; the checks themselves are the form's (api.validation), with its
    messages: an empty text reaches the form, which says what is missing."""
    for field in fields.values():
        field.validators = []
        if isinstance(field, serializers.CharField | serializers.ChoiceField):
            field.allow_blank = True
    return fields


class PersonWriteSerializer(serializers.ModelSerializer):
    nik = serializers.CharField(max_length=16, required=False, allow_blank=True)

    class Meta:
        model = Person
        fields = PERSON_FIELDS

    def get_fields(self) -> dict[str, serializers.Field]:
        return _no_validators(super().get_fields())


class PersonUpdateSerializer(PersonWriteSerializer):
    class Meta(PersonWriteSerializer.Meta):
        extra_kwargs = {name: {"required": False} for name in PERSON_FIELDS}


def _id(**kwargs: Any) -> serializers.IntegerField:
    """A record's id; which records may be named is the form's (or the view's) to check."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


class HouseholdCreateSerializer(serializers.ModelSerializer):
    no_kk = serializers.CharField(max_length=16, required=False, allow_blank=True)
    kelurahan = _id()
    members = PersonWriteSerializer(many=True, allow_empty=False, max_length=30)

    class Meta:
        model = Household
        fields = [*HOUSEHOLD_FIELDS, "members"]

    def get_fields(self) -> dict[str, serializers.Field]:
        return _no_validators(super().get_fields())


class HouseholdUpdateSerializer(serializers.ModelSerializer):
    no_kk = serializers.CharField(max_length=16, required=False, allow_blank=True)
    kelurahan = _id(required=False)

    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        extra_kwargs = {name: {"required": False} for name in HOUSEHOLD_FIELDS}

    def get_fields(self) -> dict[str, serializers.Field]:
        return _no_validators(super().get_fields())


class VisitSerializer(Stored):
    caseworker = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "caseworker",
            "visited_on",
            "purpose",
            "findings",
            "next_follow_up_on",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class VisitWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["household", "visited_on", "purpose", "findings", "next_follow_up_on"]
        extra_kwargs = {"visited_on": {"required": True}}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = _no_validators(super().get_fields())
        # Which household is the view's to check (404 for one the caller may not see), not the serializer's.
        fields["household"] = _id()
        return fields


class AssessmentSerializer(Stored):
    assessed_by = serializers.StringRelatedField()
    referrals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "household", "visit", "assessed_by", "assessed_on", "created_at", "referrals"]
        read_only_fields = fields


class ReferralSerializer(Stored):
    sent_by = serializers.StringRelatedField()
    assigned_to = serializers.StringRelatedField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "person",
            "assessment",
            "need",
            "note",
            "opd",
            "status",
            "due_on",
            "sent_by",
            "sent_at",
            "assigned_to",
            "decline_reason",
            "intervention",
            "status_changed_at",
            "fulfilled_at",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class FulfilSerializer(serializers.Serializer):
    program = _id()
    delivered_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class InterventionSerializer(Stored):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Intervention
        fields = [
            "id",
            "program",
            "opd",
            "household",
            "person",
            "status",
            "planned_on",
            "delivered_on",
            "cancel_reason",
            "amount",
            "quantity",
            "notes",
            "recorded_by",
            "status_changed_at",
            "version",
        ]
        read_only_fields = fields


class InterventionWriteSerializer(serializers.Serializer):
    """Plan a programme, or (with `delivered_on`) record one already handed over, in one step."""

    household = _id()
    program = _id()
    person = _id(
        required=False,
        allow_null=True,
        help_text=_("Anggota penerima; kosong untuk program rumah tangga."),
    )
    planned_on = serializers.DateField(required=False)
    delivered_on = serializers.DateField(
        required=False, help_text=_("Diisi bila program sudah tersalurkan: dicatat tersalurkan dalam satu langkah.")
    )
    amount = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    confirm_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=_("Catat walaupun program yang sama sudah ada pada periode ini.")
    )


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Intervention.Status.choices)
    delivered_on = serializers.DateField(required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False, allow_null=True)
    cancel_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    # (required when cancelling: the form says so)


# Offline work (issue 17) -------------------------------------------------------------------------------------------


class NeedEntrySerializer(serializers.Serializer):
    need = serializers.ChoiceField(
        choices=Need.choices, error_messages={"invalid_choice": _("Kebutuhan tidak dikenal.")}
    )
    person = _id(required=False, allow_null=True, help_text=_("Anggota; kosong untuk kebutuhan rumah tangga."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AssessmentWriteSerializer(serializers.Serializer):
    """The needs ticked at a visit, as the page's checklist: household needs without `person`, a member's with it."""

    household = _id()
    assessed_on = serializers.DateField()
    needs = NeedEntrySerializer(many=True, max_length=200)


class SkippedNeedSerializer(serializers.Serializer):
    need = serializers.CharField()
    need_label = serializers.CharField()
    person = serializers.IntegerField(allow_null=True)


class AssessmentCreatedSerializer(AssessmentSerializer):
    """The assessment recorded, its new referrals, and the needs not sent again because a referral for them is
    still open."""

    skipped = SkippedNeedSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "skipped"]
        read_only_fields = fields


class CaseloadQuerySerializer(serializers.Serializer):
    kelurahan = _id(required=False, help_text=_("Rumah tangga kelurahan ini."))
    mine = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Kasus saya: dikunjungi dalam 90 hari terakhir, tindak lanjut jatuh tempo dalam 7 hari, rujukan yang "
            "ditugaskan kepada saya, atau intervensi terbuka OPD saya. Bersama kelurahan: keduanya."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kelurahan") is None and not attrs.get("mine"):
            raise serializers.ValidationError(_("Pilih kelurahan (kelurahan=<id>) atau kasus saya (mine=1)."))
        if attrs.get("kelurahan") is not None:
            found = Kelurahan.objects.filter(pk=attrs["kelurahan"]).first()
            if found is None:
                raise serializers.ValidationError({"kelurahan": [_("Kelurahan tidak ditemukan.")]})
            attrs["kelurahan"] = found
        return attrs


class CaseloadUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    opd = serializers.CharField(source="opd.short_name", allow_null=True, default=None)


class CaseloadProgramSerializer(serializers.ModelSerializer):
    opd = serializers.CharField(source="opd.short_name")

    class Meta:
        model = Program
        fields = ["id", "name", "target", "opd"]
        read_only_fields = fields


class CaseloadMemberSerializer(Stored):
    nik = IdentityNumberField()
    relation_label = serializers.CharField(source="get_relation_display")

    class Meta:
        model = Person
        fields = ["id", "version", "full_name", "nik", "sex", "birth_date", "relation", "relation_label"]
        read_only_fields = fields


class CaseloadReferralSerializer(Stored):
    need_label = serializers.CharField(source="get_need_display")
    status_label = serializers.CharField(source="get_status_display")
    opd = serializers.CharField(source="opd.short_name")

    class Meta:
        model = Referral
        fields = ["id", "need", "need_label", "person", "opd", "status", "status_label", "due_on"]
        read_only_fields = fields


class CaseloadVisitSerializer(Stored):
    purpose_label = serializers.CharField(source="get_purpose_display")
    caseworker = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = ["id", "visited_on", "purpose", "purpose_label", "findings", "next_follow_up_on", "caseworker"]
        read_only_fields = fields


class CaseloadInterventionSerializer(Stored):
    program_name = serializers.CharField(source="program.name")

    class Meta:
        model = Intervention
        fields = ["id", "version", "program", "program_name", "person", "status", "planned_on"]
        read_only_fields = fields


class CaseloadHouseholdSerializer(Stored):
    kelurahan = serializers.CharField(source="kelurahan.name")
    no_kk = IdentityNumberField()
    status_label = serializers.CharField(source="get_status_display")
    members = CaseloadMemberSerializer(source="active_members", many=True, read_only=True)
    open_referrals = CaseloadReferralSerializer(many=True, read_only=True)
    last_visits = CaseloadVisitSerializer(many=True, read_only=True)
    interventions = CaseloadInterventionSerializer(source="offline_interventions", many=True, read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "version",
            "head_name",
            "address",
            "rt",
            "rw",
            "kelurahan",
            "no_kk",
            "status",
            "status_label",
            "members",
            "open_referrals",
            "last_visits",
            "interventions",
        ]
        read_only_fields = fields


class NeedScopeSerializer(serializers.Serializer):
    household = serializers.BooleanField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    who = serializers.CharField()


class CaseloadSerializer(serializers.Serializer):
    """What the phone keeps for the field (numbers masked), until `expires_at`."""

    generated_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    keep_days = serializers.IntegerField()
    user = CaseloadUserSerializer()
    purposes = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    needs = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    need_scopes = serializers.DictField(child=NeedScopeSerializer())
    programs = CaseloadProgramSerializer(many=True)
    households = CaseloadHouseholdSerializer(many=True)
