"""The interventions list's export as a background job (jobs.exports) when it is large."""

from django.db.models import QuerySet
from django.http import QueryDict

from households.models import Household
from interventions.exports import intervention_rows
from interventions.filters import InterventionFilter
from interventions.models import Intervention
from jobs.exports import ListExport, register_export


def intervention_queryset(data: QueryDict) -> QuerySet[Intervention] | None:
    filterset = InterventionFilter(data, queryset=Intervention.objects.all())
    return filterset.qs.order_by() if filterset.is_valid() else None


INTERVENTION_EXPORT = ListExport(
    kind="export_interventions",
    name="intervensi",
    title="Intervensi",
    queryset_for=intervention_queryset,
    rows_for=intervention_rows,
    counted=lambda interventions: interventions,
    full_numbers_of=Household,
)
register_export(INTERVENTION_EXPORT)
