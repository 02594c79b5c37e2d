"""The REST API, version 1. Thin: each endpoint finds the record through the rule table (404 for one the caller
may not see, 403 for one they may not change), checks the values with the page's own form and writes through
the same service as the page, with `source="api"` in the change log (or, for an entry recorded offline, when it
was recorded and when it was sent: `ApiViewSet.source`)."""

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Opd
from api import idempotency
from api.filters import (
    AssessmentApiFilter,
    HouseholdApiFilter,
    InterventionApiFilter,
    KelurahanApiFilter,
    ProgramApiFilter,
    ReferralApiFilter,
    VisitApiFilter,
)
from api.http import NewestFirst, check_body_size, etag, expected_version, offline_source, recorded_offline_at
from api.rules import may_take_offline
from api.selectors import offline_caseload
from api.serializers import (
    AssessmentCreatedSerializer,
    AssessmentSerializer,
    AssessmentWriteSerializer,
    CaseloadQuerySerializer,
    CaseloadSerializer,
    DeclineSerializer,
    FulfilSerializer,
    HouseholdCreateSerializer,
    HouseholdSerializer,
    HouseholdUpdateSerializer,
    InterventionSerializer,
    InterventionWriteSerializer,
    KecamatanSerializer,
    KelurahanSerializer,
    OpdSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    PersonWriteSerializer,
    ProgramSerializer,
    ReferralSerializer,
    TransitionSerializer,
    VisitSerializer,
    VisitWriteSerializer,
)
from api.validation import errors_of, form_data, formset_data, validated
from audit.locking import stale_summary
from audit.models import AccessLog
from audit.services import log_access, log_access_many
from coordination.forms import AssessmentForm, DeclineForm, FulfilForm
from coordination.models import Assessment, Need, Referral, need_refusal
from coordination.services import assessment_record, referral_accept, referral_decline, referral_fulfil
from core import permissions
from core.errors import StaleEditError
from core.permissions import ACT, ADD, CHANGE, REVEAL, VIEW, get_object_for, is_caseworker
from households.forms import (
    HOUSEHOLD_FIELDS,
    PERSON_FIELDS,
    HouseholdForm,
    HouseholdRegisterForm,
    PersonAddForm,
    PersonForm,
    VisitForm,
    already_registered_message,
    member_formset,
    registered_already,
)
from households.models import Household, Kecamatan, Kelurahan, Person, Relation, Visit
from households.rules import require_open
from households.services import household_register_proposed, household_update, person_add, person_update, visit_log
from interventions.forms import WHOLE_HOUSEHOLD, DeliveredInterventionForm, InterventionForm, TransitionForm
from interventions.models import Intervention, Program
from interventions.rules import programs_for
from interventions.services import intervention_record, intervention_record_delivered, intervention_transition

SOURCE = "api"
REVEAL_PARAMETER = OpenApiParameter(
    "reveal",
    bool,
    description="true: tampilkan NIK/No. KK lengkap (hanya petugas dan supervisor; setiap tampilan dicatat).",
)


class ApiViewSet(viewsets.GenericViewSet):
    """Idempotent writes, the body limit and the versioned records' ETag, for every endpoint."""

    versioned_actions: tuple[str, ...] = ()

    @classmethod
    def needs_version(cls, method: str, action_name: str | None) -> bool:
        return action_name in cls.versioned_actions

    # Query parameters every read takes besides its filters.
    COMMON_PARAMETERS = frozenset({"cursor", "page_size", "reveal"})

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        check_body_size(request)
        super().initial(request, *args, **kwargs)
        self.refuse_unknown_parameters(request)
        request.idempotency_record = idempotency.claim(request)
        # After the claim: a resend of an entry already applied gets its first answer, however old the entry.
        self._source = SOURCE
        if request.method in idempotency.WRITES and (recorded := recorded_offline_at(request)) is not None:
            self._source = offline_source(recorded, timezone.now())

    def source(self) -> str:
        """The change log's `source` of this write: "api", or when it was recorded offline and when it was sent."""
        return getattr(self, "_source", SOURCE)

    def refuse_unknown_parameters(self, request: Request) -> None:
        """A parameter no filter takes (a typo such as `kelurahn=`) is refused, never a silently wider list."""
        if request.method not in ("GET", "HEAD"):
            return
        filterset = getattr(self, "filterset_class", None)
        known = self.COMMON_PARAMETERS | set(filterset.base_filters if filterset and self.action == "list" else ())
        known |= getattr(self, "query_parameters", frozenset())
        known -= {"sort"}  # the registry's order; the API's is the cursor's
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = _("Parameter ini tidak dikenal di sini; lihat skema API.")
            raise exceptions.ValidationError(dict.fromkeys(unknown, [message]))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        record = getattr(request, "idempotency_record", None)
        if record is not None and isinstance(response, Response):
            idempotency.keep(record, response)
        return super().finalize_response(request, response, *args, **kwargs)

    def body(self, serializer_class: Any, *, partial: bool = False) -> dict[str, Any]:
        """The request's values, typed by `serializer_class`; a field it does not know is refused (400), so a
        caller never believes a change was made that was silently dropped."""
        shape = serializer_class(data=self.request.data, partial=partial)
        if isinstance(self.request.data, dict):
            unknown = sorted(set(self.request.data) - set(shape.fields))
            if unknown:
                message = _("Isian ini tidak dikenal di sini; lihat skema API.")
                raise exceptions.ValidationError(dict.fromkeys(unknown, [message]))
        shape.is_valid(raise_exception=True)
        return dict(shape.validated_data)

    def check_version(self, instance: Any, version: int) -> None:
        """409 before anything else when the record changed since the caller read it."""
        if instance.version != version:
            summary = stale_summary(type(instance), instance.pk)
            raise StaleEditError(summary, current_version=instance.version, summary=summary)

    def find(self, queryset: QuerySet | type[Model], pk: Any, action_name: str = VIEW) -> Any:
        return get_object_for(self.request.user, queryset, pk, action=action_name)

    def reveal(self, model: type[Model]) -> bool:
        """?reveal=true: the full numbers, for those who may see them (every one shown is logged)."""
        value = self.request.query_params.get("reveal", "").lower()
        if value in ("", "0", "false"):
            return False
        if value not in ("1", "true"):
            raise exceptions.ValidationError({"reveal": [_("Isi reveal dengan true atau false.")]})
        if not permissions.has_perm(self.request.user, REVEAL, model):
            raise exceptions.PermissionDenied(_("Anda tidak diizinkan melihat NIK/No. KK lengkap."))
        return True

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "reveal": getattr(self, "_revealing", False)}

    def versioned(self, instance: Any, serializer_class: Any, code: int = status.HTTP_200_OK) -> Response:
        response = Response(serializer_class(instance, context=self.get_serializer_context()).data, status=code)
        response["ETag"] = etag(instance.version)
        return response


def _log_reveals(request: Request, households: list[Household], persons: list[Person]) -> None:
    shown: list[tuple[Model, str]] = [(h, "no_kk") for h in households if h.no_kk]
    shown += [(p, "nik") for p in persons if p.nik]
    log_access_many(request=request._request, kind=AccessLog.Kind.REVEAL, shown=shown)


# Reference data -----------------------------------------------------------------------------------------------


class KecamatanViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Kecamatan of Kota Palangka Raya with their Kemendagri and BPS codes."""

    queryset = Kecamatan.objects.order_by("name")
    serializer_class = KecamatanSerializer
    pagination_class = None


class KelurahanViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Kelurahan with their Kemendagri and BPS codes; `?kecamatan=<id>`."""

    queryset = Kelurahan.objects.order_by("kecamatan__name", "name")
    serializer_class = KelurahanSerializer
    filterset_class = KelurahanApiFilter
    pagination_class = None


class OpdViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Opd.objects.order_by("short_name")
    serializer_class = OpdSerializer
    pagination_class = None


class ProgramViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Intervention programmes; `?opd=<id>&is_active=true`."""

    queryset = Program.objects.order_by("name", "id")
    serializer_class = ProgramSerializer
    filterset_class = ProgramApiFilter
    pagination_class = None


# Households and members -----------------------------------------------------------------------------------------


def _households() -> QuerySet[Household]:
    members = Prefetch("members", queryset=Person.objects.order_by("id"))
    return Household.objects.select_related("kelurahan").prefetch_related(members)


@extend_schema_view(
    list=extend_schema(parameters=[REVEAL_PARAMETER]),
    retrieve=extend_schema(parameters=[REVEAL_PARAMETER]),
    create=extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdSerializer}),
    partial_update=extend_schema(request=HouseholdUpdateSerializer, responses={200: HouseholdSerializer}),
    add_member=extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer}),
)
class HouseholdViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Households with their members, filtered like the registry (`kelurahan`, `status`, `desil`, `q`, …;
    archived ones only with `archived=only|all`). A household registered here waits as "diusulkan" with a DTSEN
    proposal, as on the page."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdApiFilter
    pagination_class = NewestFirst
    versioned_actions = ("partial_update",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Household]:
        return _households()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._revealing = self.reveal(Household)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset) or []
        if self._revealing:
            _log_reveals(request, page, [p for h in page for p in h.members.all()])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._revealing = self.reveal(Household)
        household = self.find(self.get_queryset(), kwargs["pk"])
        if self._revealing:
            _log_reveals(request, [household], list(household.members.all()))
        return self.versioned(household, HouseholdSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not permissions.has_perm(request.user, ADD, Household):
            raise exceptions.PermissionDenied
        values = self.body(HouseholdCreateSerializer)
        members = values.pop("members")
        form = HouseholdRegisterForm(form_data(values, model=Household, names=HOUSEHOLD_FIELDS))
        formset = member_formset(formset_data("members", members, model=Person, names=PERSON_FIELDS))
        errors = {}
        if not form.is_valid():
            errors.update(errors_of(form))
        if not formset.is_valid():
            errors.update(errors_of(formset, "members"))
        if errors:
            raise exceptions.ValidationError(errors)
        fields = {name: form.cleaned_data[name] for name in HOUSEHOLD_FIELDS if name in form.cleaned_data}
        kept = formset.kept_members()
        head = next((m["full_name"] for m in kept if m["relation"] == Relation.HEAD), "")
        if same := registered_already(kelurahan=fields["kelurahan"], address=fields["address"], head_name=head):
            raise exceptions.ValidationError({"non_field_errors": [already_registered_message(same)]})
        household = household_register_proposed(actor=request.user, members=kept, source=self.source(), **fields)
        return self.versioned(_households().get(pk=household.pk), HouseholdSerializer, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.find(Household, kwargs["pk"], CHANGE)
        version = expected_version(request)
        self.check_version(household, version)
        values = self.body(HouseholdUpdateSerializer, partial=True)
        if not values.get("no_kk", True):
            values.pop("no_kk")  # empty: the stored number stays, as on the page
        cleaned = validated(HouseholdForm(form_data(values, household, HOUSEHOLD_FIELDS), instance=household))
        changes = {name: cleaned[name] for name in values if name in cleaned}
        if changes:  # nothing to change: the record (and its version) stay as they are
            household_update(
                household=household, actor=request.user, expected_version=version, source=self.source(), **changes
            )
        return self.versioned(_households().get(pk=household.pk), HouseholdSerializer)

    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request: Request, pk: Any = None) -> Response:
        """Add a member to the household."""
        household = self.find(Household, pk)
        if not permissions.has_perm(request.user, ADD, Person):
            raise exceptions.PermissionDenied
        require_open(household)
        shape_values = self.body(PersonWriteSerializer)
        values = form_data(shape_values, model=Person, names=PERSON_FIELDS)
        cleaned = validated(PersonAddForm(values, household=household))
        fields = {name: cleaned[name] for name in PERSON_FIELDS if name in cleaned}
        person = person_add(household=household, actor=request.user, source=self.source(), **fields)
        return self.versioned(person, PersonSerializer, status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(parameters=[REVEAL_PARAMETER]),
    partial_update=extend_schema(request=PersonUpdateSerializer, responses={200: PersonSerializer}),
)
class PersonViewSet(ApiViewSet, mixins.RetrieveModelMixin):
    """A member of a household. Moving to another household is done on the page (with its reason)."""

    serializer_class = PersonSerializer
    queryset = Person.objects.all()
    versioned_actions = ("partial_update",)
    http_method_names = ["get", "patch", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._revealing = self.reveal(Person)
        person = self.find(Person, kwargs["pk"])
        if self._revealing:
            _log_reveals(request, [], [person])
        return self.versioned(person, PersonSerializer)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.find(Person.objects.select_related("household"), kwargs["pk"], CHANGE)
        require_open(person.household)
        version = expected_version(request)
        self.check_version(person, version)
        values = self.body(PersonUpdateSerializer, partial=True)
        if not values.get("nik", True):
            values.pop("nik")  # empty: the stored number stays, as on the page
        cleaned = validated(PersonForm(form_data(values, person, PERSON_FIELDS), instance=person))
        changes = {name: cleaned[name] for name in values if name in cleaned}
        if changes:  # nothing to change: the record (and its version) stay as they are
            person = person_update(
                person=person, actor=request.user, expected_version=version, source=self.source(), **changes
            )
        return self.versioned(Person.objects.get(pk=person.pk), PersonSerializer)


# Visits, assessments, referrals -----------------------------------------------------------------------------------


@extend_schema_view(create=extend_schema(request=VisitWriteSerializer, responses={201: VisitSerializer}))
class VisitViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Visits to households; `?household=<id>`. A visit is recorded as the caller's own."""

    serializer_class = VisitSerializer
    queryset = Visit.objects.select_related("caseworker")
    filterset_class = VisitApiFilter
    pagination_class = NewestFirst
    http_method_names = ["get", "post", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.versioned(self.find(self.get_queryset(), kwargs["pk"]), VisitSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not permissions.has_perm(request.user, ADD, Visit):
            raise exceptions.PermissionDenied
        values = self.body(VisitWriteSerializer)
        household = self.find(Household, values.pop("household"))
        require_open(household)
        cleaned = validated(VisitForm(form_data(values)))
        visit = visit_log(
            household=household,
            caseworker=request.user,
            source=self.source(),
            **{name: cleaned[name] for name in ("visited_on", "purpose", "findings", "next_follow_up_on")},
        )
        return self.versioned(visit, VisitSerializer, status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentCreatedSerializer})
)
class AssessmentViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Needs assessments; `?household=<id>`. Each ticked need becomes a referral to the OPD responsible (see
    /referrals/); a need with a referral still open is not sent again (`skipped`)."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.select_related("assessed_by").prefetch_related("referrals")
    filterset_class = AssessmentApiFilter
    pagination_class = NewestFirst

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.find(self.get_queryset(), kwargs["pk"])).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record the needs ticked at a visit, checked as the page's checklist checks them."""
        if not permissions.has_perm(request.user, ADD, Assessment):
            raise exceptions.PermissionDenied
        values = self.body(AssessmentWriteSerializer)
        household = self.find(Household, values["household"])
        require_open(household)
        form = _assessment_form(household, values["assessed_on"], values["needs"])
        cleaned = validated(form)
        assessment, _created, skipped = assessment_record(
            household=household,
            actor=request.user,
            needs=form.ticked(),
            assessed_on=cleaned["assessed_on"],
            source=self.source(),
        )
        recorded = self.get_queryset().get(pk=assessment.pk)
        recorded.skipped = [
            {"need": need, "need_label": Need(need).label, "person": person.pk if person else None}
            for need, person in skipped
        ]
        return Response(AssessmentCreatedSerializer(recorded).data, status=status.HTTP_201_CREATED)


def _assessment_form(household: Household, assessed_on: Any, needs: list[dict[str, Any]]) -> AssessmentForm:
    """The page's checklist bound to what the API was sent (`need_<code>` for the household, `need_<code>_<member
    id>` for a member, each with its note); an entry the checklist would not offer is refused on its own line."""
    data: dict[str, Any] = {"assessed_on": assessed_on}
    for entry in needs:
        key = f"{entry['need']}_{entry['person']}" if entry.get("person") is not None else entry["need"]
        data[f"need_{key}"] = "on"
        data[f"note_{key}"] = entry.get("note") or ""
    form = AssessmentForm(data, household=household)
    members = {person.pk: person for person in form.members}
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, int | None]] = set()
    for index, entry in enumerate(needs):
        need, pk = entry["need"], entry.get("person")
        if pk is not None and pk not in members:
            errors[f"needs[{index}].person"] = [_("Anggota bukan bagian dari rumah tangga ini atau sudah tidak aktif.")]
        elif refusal := need_refusal(need, members.get(pk) if pk is not None else None, form.on):
            errors[f"needs[{index}].need"] = [refusal]
        elif (need, pk) in seen:
            errors[f"needs[{index}]"] = [_("Kebutuhan ini sudah disebut sebelumnya untuk orang yang sama.")]
        seen.add((need, pk))
    if errors:
        # The entries' own refusals; the form's field errors (the date) alongside, not its repeats of them.
        if not form.is_valid():
            errors.update({k: v for k, v in errors_of(form).items() if k != "non_field_errors"})
        raise exceptions.ValidationError(errors)
    return form


@extend_schema_view(
    accept=extend_schema(request=None, responses={200: ReferralSerializer}),
    decline=extend_schema(request=DeclineSerializer, responses={200: ReferralSerializer}),
    fulfil=extend_schema(request=FulfilSerializer, responses={200: ReferralSerializer}),
)
class ReferralViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Referrals of needs to the OPD responsible; the addressed OPD accepts, declines (with a reason) or fulfils
    them (with the programme delivered). `?opd=`, `?status=`, `?household=`."""

    serializer_class = ReferralSerializer
    queryset = Referral.objects.select_related("sent_by", "assigned_to")
    filterset_class = ReferralApiFilter
    pagination_class = NewestFirst

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.find(self.get_queryset(), kwargs["pk"])).data)

    def get_queryset(self) -> QuerySet[Referral]:
        """A caseworker's list is their OPD's inbox, as on the page; with `household=` it is that household's
        referrals, as its case file shows them to everyone."""
        referrals = super().get_queryset()
        user = self.request.user
        if self.action == "list" and is_caseworker(user) and "household" not in self.request.query_params:
            referrals = referrals.filter(opd_id=user.opd_id)
        return referrals

    def _act(self, pk: Any) -> Referral:
        referral = self.find(Referral.objects.select_related("household", "opd"), pk, ACT)
        require_open(referral.household)
        return referral

    def _answer(self, referral: Referral) -> Response:
        return Response(ReferralSerializer(self.get_queryset().get(pk=referral.pk)).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        referral = self._act(pk)
        return self._answer(referral_accept(referral=referral, actor=request.user, source=self.source()))

    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        referral = self._act(pk)
        shape_values = self.body(DeclineSerializer)
        cleaned = validated(DeclineForm(form_data(shape_values)))
        declined = referral_decline(
            referral=referral, actor=request.user, reason=cleaned["reason"], source=self.source()
        )
        return self._answer(declined)

    @action(detail=True, methods=["post"])
    def fulfil(self, request: Request, pk: Any = None) -> Response:
        referral = self._act(pk)
        shape_values = self.body(FulfilSerializer)
        cleaned = validated(FulfilForm(form_data(shape_values), referral=referral))
        program = cleaned["program"]
        if not permissions.has_perm(request.user, ADD, Intervention, obj=program):
            raise exceptions.PermissionDenied(_("Program ini milik OPD lain."))
        done = referral_fulfil(
            referral=referral,
            actor=request.user,
            program=program,
            delivered_on=cleaned["delivered_on"],
            amount=cleaned.get("amount"),
            notes=cleaned.get("notes") or "",
            source=self.source(),
        )
        return self._answer(done)


# Offline work -----------------------------------------------------------------------------------------------------


class OfflineViewSet(ApiViewSet):
    """What the offline client (the phone in the field) reads; its entries are sent to the endpoints above."""

    serializer_class = CaseloadSerializer
    queryset = Household.objects.none()  # for the schema; the households are the selector's
    pagination_class = None
    query_parameters = frozenset({"kelurahan", "mine"})

    @extend_schema(parameters=[CaseloadQuerySerializer], responses={200: CaseloadSerializer})
    @action(detail=False, methods=["get"])
    def caseload(self, request: Request) -> Response:
        """The households a caseworker takes to the field: `?kelurahan=<id>` or `?mine=1` (or both). NIK and No.
        KK masked; at most OFFLINE_MAX_HOUSEHOLDS households (more: 400, choose a kelurahan or narrow it)."""
        if not may_take_offline(request.user):
            raise exceptions.PermissionDenied(_("Hanya petugas dan supervisor yang membawa data kasus ke lapangan."))
        query = CaseloadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kelurahan, mine = query.validated_data.get("kelurahan"), query.validated_data["mine"]
        caseload = offline_caseload(
            user=request.user, kelurahan=kelurahan, mine=mine, now=timezone.now(), today=timezone.localdate()
        )
        # One export row for the list carried off (masked numbers: no reveal per record).
        log_access(
            request=request._request,
            kind=AccessLog.Kind.EXPORT,
            detail={
                "list": "offline_caseload",
                "kelurahan": kelurahan.pk if kelurahan else None,
                "mine": mine,
                "rows": len(caseload.households),
            },
        )
        response = Response(CaseloadSerializer(caseload).data)
        response["Cache-Control"] = "no-store"  # personal data: kept by the offline page in IndexedDB only
        return response


# Interventions ----------------------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=InterventionWriteSerializer, responses={201: InterventionSerializer}),
    transition=extend_schema(request=TransitionSerializer, responses={200: InterventionSerializer}),
)
class InterventionViewSet(ApiViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Interventions per person or household, from plan to delivery. Only the delivering OPD (and supervisors)
    record and move them: a programme of another OPD answers 403. `?opd=`, `?program=`, `?status=`,
    `?household=`, `?person=`, dates."""

    serializer_class = InterventionSerializer
    queryset = Intervention.objects.select_related("recorded_by")
    filterset_class = InterventionApiFilter
    pagination_class = NewestFirst
    versioned_actions = ("transition",)
    http_method_names = ["get", "post", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.versioned(self.find(self.get_queryset(), kwargs["pk"]), InterventionSerializer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not programs_for(request.user).exists():
            raise exceptions.PermissionDenied(
                _("Akun ini tidak mencatat intervensi: OPD-nya belum punya program aktif.")
            )
        values = self.body(InterventionWriteSerializer)
        household = self.find(Household.objects.select_related("kelurahan"), values.pop("household"))
        require_open(household)
        program = Program.objects.filter(pk=values["program"]).first()
        if program is None:
            raise exceptions.ValidationError({"program": [_("Program tidak ditemukan.")]})
        if not permissions.has_perm(request.user, ADD, Intervention, obj=program):
            raise exceptions.PermissionDenied(_("Program ini milik OPD lain; catat hanya program OPD Anda."))
        delivered = "delivered_on" in values
        if not delivered:
            values.setdefault("planned_on", timezone.localdate())  # as the page's form starts
        values["recipient"] = values.pop("person", None) or WHOLE_HOUSEHOLD
        form_class = DeliveredInterventionForm if delivered else InterventionForm
        form = form_class(form_data(values), household=household, programs=programs_for(request.user))
        cleaned = validated(form, renamed={"recipient": "person"})  # the page's "recipient" is the API's "person"
        common = {
            "program": cleaned["program"],
            "person": cleaned["person"],
            "household": household,
            "amount": cleaned.get("amount"),
            "quantity": cleaned.get("quantity"),
            "notes": cleaned.get("notes") or "",
            "recorded_by": request.user,
            "source": self.source(),
        }
        if delivered:
            intervention = intervention_record_delivered(delivered_on=cleaned["delivered_on"], **common)
        else:
            intervention = intervention_record(planned_on=cleaned.get("planned_on"), **common)
        return self.versioned(intervention, InterventionSerializer, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Move the intervention on: in progress, delivered (with the day), or cancelled (with a reason)."""
        intervention = self.find(Intervention.objects.select_related("household"), pk, CHANGE)
        require_open(intervention.household)
        version = expected_version(request)
        self.check_version(intervention, version)
        shape_values = self.body(TransitionSerializer)
        values = {**shape_values, "version": version}
        cleaned = validated(TransitionForm(form_data(values), intervention=intervention))
        moved = intervention_transition(
            intervention=intervention,
            status=cleaned["status"],
            delivered_on=cleaned.get("delivered_on"),
            amount=cleaned.get("amount"),
            cancel_reason=cleaned.get("cancel_reason") or "",
            actor=request.user,
            expected_version=version,
            source=self.source(),
        )
        return self.versioned(moved, InterventionSerializer)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([])
@authentication_classes([])
@throttle_classes([])
def not_found(request: Request, rest: str) -> Response:
    """An address under /api/v1/ that is no endpoint: problem details, not the pages' 404."""
    raise exceptions.NotFound(_("Alamat API ini tidak ada. Daftar alamat: /api/v1/schema/."))
