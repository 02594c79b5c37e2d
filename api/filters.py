"""The API's list filters: the registry's and the lists' own filter sets, plus the record a list belongs to."""

from typing import Any, cast

import django_filters
from django.db.models import QuerySet

from cases.filters import HouseholdFilter
from coordination.filters import ReferralFilter
from coordination.models import Assessment, ReferralQuerySet
from core.filters import BIGINT_MAX, IntegerFilter, StrictFilterSet
from households.models import Kelurahan, Visit
from interventions.filters import InterventionFilter
from interventions.models import Program


def _household() -> Any:
    return IntegerFilter(field_name="household_id", min_value=1, max_value=BIGINT_MAX)


class HouseholdApiFilter(HouseholdFilter):
    """The registry's filters; the order is the cursor's (newest first), not `sort`."""

    class Meta(HouseholdFilter.Meta):
        exclude = ["sort"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.pop("sort", None)


class KelurahanApiFilter(StrictFilterSet):
    kecamatan = IntegerFilter(field_name="kecamatan_id", min_value=1, max_value=BIGINT_MAX)

    class Meta:
        model = Kelurahan
        fields: list[str] = []


class ProgramApiFilter(StrictFilterSet):
    opd = IntegerFilter(field_name="opd_id", min_value=1, max_value=BIGINT_MAX)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Program
        fields: list[str] = []


class VisitApiFilter(StrictFilterSet):
    household = _household()

    class Meta:
        model = Visit
        fields: list[str] = []


class AssessmentApiFilter(StrictFilterSet):
    household = _household()

    class Meta:
        model = Assessment
        fields: list[str] = []


class ReferralApiFilter(ReferralFilter):
    """The inbox's filters (`status`: open, all or one status; `overdue=1`), and the household."""

    household = _household()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        referrals = cast(ReferralQuerySet, super().filter_queryset(queryset))
        status = self.form.cleaned_data.get("status")
        if status == "open":
            referrals = referrals.open()
        elif status and status != "all":
            referrals = referrals.filter(status=status)
        if self.form.cleaned_data.get("overdue"):
            referrals = referrals.overdue()
        return referrals


class InterventionApiFilter(InterventionFilter):
    household = _household()
    person = IntegerFilter(field_name="person_id", min_value=1, max_value=BIGINT_MAX)
