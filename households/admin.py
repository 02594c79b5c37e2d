from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedModelAdmin, ReferenceDataAdmin
from core.case_admin import CaseAdminMixin
from core.forms import DigitsField
from households.forms import keep_stored_number
from households.models import Household, HouseholdStatusChange, Kecamatan, Kelurahan, Person, Ranking, Visit


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceDataAdmin):
    list_display = ["code", "bps_code", "name"]
    search_fields = ["name", "code", "bps_code"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceDataAdmin):
    list_display = ["code", "bps_code", "name", "kecamatan", "is_priority_locus"]
    list_filter = ["kecamatan", "is_priority_locus"]
    list_editable = ["is_priority_locus"]
    list_select_related = ["kecamatan"]
    search_fields = ["name", "code", "bps_code"]


# Identity numbers in admin forms: never shown (that would bypass the recorded reveal), still correctable.
# As in the app's edit forms, the field starts empty with the masked number as help; empty keeps it.
class HouseholdAdminForm(forms.ModelForm):
    class Meta:
        field_classes = {"no_kk": DigitsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_stored_number(self, "no_kk")

    def clean_no_kk(self) -> str:
        return self.cleaned_data["no_kk"] or self.instance.no_kk


class PersonAdminForm(forms.ModelForm):
    class Meta:
        field_classes = {"nik": DigitsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_stored_number(self, "nik")

    def clean_nik(self) -> str:
        return self.cleaned_data["nik"] or self.instance.nik


class PersonInline(admin.StackedInline):
    model = Person
    form = PersonAdminForm
    extra = 0
    fields = [
        ("full_name", "nik"),
        ("sex", "birth_date", "birth_place"),
        ("relation", "marital_status", "status"),
        ("education", "occupation"),
        ("disability", "chronic_illness", "health_insurance"),
        "is_extreme_poor",
    ]
    show_change_link = True


STATUS_CHANGE_FIELDS = ("changed_at", "from_status", "to_status", "changed_by", "reason")


class StatusChangeInline(admin.TabularInline):
    model = HouseholdStatusChange
    extra = 0
    fields = STATUS_CHANGE_FIELDS
    readonly_fields = STATUS_CHANGE_FIELDS
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


RANKING_FIELDS = ("source", "as_of", "desil", "family_id", "recorded_at", "recorded_by", "via")


class RankingInline(admin.TabularInline):
    """National rankings are history from the lists (households.rankings): shown here, never edited."""

    model = Ranking
    extra = 0
    fields = RANKING_FIELDS
    readonly_fields = RANKING_FIELDS
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(CaseAdminMixin, AuditedModelAdmin):
    form = HouseholdAdminForm
    list_display = ["id", "head_name", "kelurahan", "rt", "rw", "status", "desil"]
    list_filter = ["status", "desil", "kelurahan__kecamatan", "kelurahan__is_priority_locus", "kelurahan"]
    list_select_related = ["kelurahan"]
    search_fields = ["=id", "p3ke_id", "address", "members__full_name"]
    search_help_text = _("Cari nomor rumah tangga, ID P3KE, alamat atau nama anggota. NIK dan No. KK: di Registri.")
    autocomplete_fields = ["kelurahan"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "desil",
        "desil_source",
        "desil_as_of",
        "created_at",
        "updated_at",
        "created_by",
    ]
    inlines = [PersonInline, StatusChangeInline, RankingInline]
    fieldsets = [
        (
            None,
            {"fields": ["no_kk", "p3ke_id", "status", "status_changed_at", ("desil", "desil_source", "desil_as_of")]},
        ),
        ("Alamat", {"fields": ["kelurahan", "address", ("rt", "rw"), ("latitude", "longitude")]}),
        (
            "Kondisi rumah (P3KE)",
            {
                "fields": [
                    ("ownership", "floor"),
                    ("wall", "roof"),
                    ("lighting", "cooking_fuel"),
                    ("drinking_water", "toilet"),
                ]
            },
        ),
        ("Pengeluaran", {"fields": ["expenditure_per_capita", "expenditure_measured_on"]}),
        ("Pencatatan", {"fields": ["created_at", "updated_at", "created_by"]}),
    ]

    # The indexed columns: a sort by another one reads every household.
    sortable_by = ["id", "head_name", "status", "desil"]


@admin.register(Person)
class PersonAdmin(CaseAdminMixin, AuditedModelAdmin):
    form = PersonAdminForm
    list_display = ["full_name", "sex", "birth_date", "relation", "household", "is_extreme_poor", "status"]
    list_filter = ["sex", "relation", "is_extreme_poor", "status", "disability", "health_insurance"]
    search_fields = ["full_name"]
    search_help_text = _("Cari nama. NIK dan No. KK dicari di Registri aplikasi.")
    # A raw id with a lookup popup (searched by POST), not an autocomplete that sends typed words in its URL.
    raw_id_fields = ["household"]
    list_select_related = ["household"]
    sortable_by = ["birth_date"]  # indexed; the list is in household order otherwise


@admin.register(Visit)
class VisitAdmin(CaseAdminMixin, AuditedModelAdmin):
    list_display = ["visited_on", "household", "caseworker", "purpose", "next_follow_up_on"]
    list_filter = ["purpose", "visited_on"]
    search_fields = ["household__members__full_name", "findings"]
    search_help_text = _("Cari nama anggota rumah tangga atau temuan kunjungan.")
    autocomplete_fields = ["caseworker"]
    raw_id_fields = ["household"]
    list_select_related = ["household", "caseworker"]
    sortable_by = ["visited_on", "next_follow_up_on"]
    date_hierarchy = "visited_on"
