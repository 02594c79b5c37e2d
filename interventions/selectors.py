"""Reads of the intervention pages: the list every OPD shares, the persons to record for at once, the
programmes. Views parse input, call one of these and render; query counts are pinned in
tests/interventions/test_selectors.py."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from households.models import Person
from interventions.filters import InterventionFilter, PersonFilter
from interventions.models import Intervention, Program


def intervention_filter(data: Any) -> InterventionFilter:
    """Every OPD's interventions, newest plan first (the index `iv_planned_idx` serves the sort),
    filtered by `data` (the query string)."""
    queryset = Intervention.objects.select_related("opd", "program", "person", "household__kelurahan").order_by(
        "-planned_on", "-id"
    )
    return InterventionFilter(data, queryset=queryset)


# The bulk page counts at most this many matches: past it the user narrows the filters (a whole city of a
# million persons is never recorded by ticking pages), and neither the count nor a deep page reads every row.
BULK_COUNT_LIMIT = 5_000


def bulk_candidates(data: Any) -> PersonFilter:
    """Persons a programme can be recorded for at once (active members of active households), household by
    household (the order an index serves: 9 ms for the first page at 1M persons, against 610 ms by place name)."""
    persons = Person.objects.workable().select_related("household__kelurahan").order_by("household_id", "id")
    return PersonFilter(data, queryset=persons)


def bulk_page(filterset: PersonFilter, page_number: str | None, page_size: int) -> tuple[Page[Person], bool]:
    """One page of the candidates, and whether there are more than BULK_COUNT_LIMIT (then only the first
    BULK_COUNT_LIMIT are paged through)."""
    matches = filterset.qs[: BULK_COUNT_LIMIT + 1].count()
    paginator = Paginator(filterset.qs, page_size)
    paginator.count = min(matches, BULK_COUNT_LIMIT)  # known already: no COUNT(*) of every row
    return paginator.get_page(page_number), matches > BULK_COUNT_LIMIT


def program_list() -> QuerySet[Program]:
    """Every programme, active first, by owner OPD."""
    return Program.objects.select_related("opd").order_by("-is_active", "opd__short_name", "name")
