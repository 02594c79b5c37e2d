"""Reads of the intervention pages: the list every OPD shares, the persons to record for at once, the
programmes. Views parse input, call one of these and render; query counts are pinned in
tests/interventions/test_selectors.py."""

from __future__ import annotations

from typing import Any

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


def bulk_candidates(data: Any) -> PersonFilter:
    """Persons a programme can be recorded for at once (active members of active households), by place."""
    persons = (
        Person.objects.workable()
        .select_related("household__kelurahan")
        .order_by("household__kelurahan__name", "household_id", "id")
    )
    return PersonFilter(data, queryset=persons)


def program_list() -> QuerySet[Program]:
    """Every programme, active first, by owner OPD."""
    return Program.objects.select_related("opd").order_by("-is_active", "opd__short_name", "name")
