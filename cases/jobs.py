"""The registry's export as a background job (jobs.exports) when it is large."""

from django.db.models import QuerySet
from django.http import QueryDict

from cases.exports import registry_cells, registry_rows
from cases.filters import HouseholdFilter
from households.models import Household, Person
from jobs.exports import ListExport, register_export


def registry_queryset(data: QueryDict) -> QuerySet[Household] | None:
    filterset = HouseholdFilter(data, queryset=Household.objects.all())
    return filterset.qs.order_by() if filterset.is_valid() else None


def registry_persons(households: QuerySet[Household]) -> QuerySet[Person]:
    return Person.objects.filter(household__in=households.values("pk"))


REGISTRY_EXPORT = ListExport(
    kind="export_registry",
    name="registri",
    title="Registri",
    queryset_for=registry_queryset,
    rows_for=registry_rows,
    counted=registry_persons,
    full_numbers_of=Household,
    cells_for=registry_cells,
)
register_export(REGISTRY_EXPORT)
