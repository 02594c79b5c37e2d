"""Reads for the import screens: the batches uploaded, and one batch with a sample of its rows in error."""

import datetime
from typing import Any, TypedDict

from django.db.models import QuerySet
from django.utils.text import capfirst

from core.identity import mask_numbers_in
from households.models import Household, Person, RankingSource
from imports.models import ImportBatch

ERROR_SAMPLE_SIZE = 100


def batches() -> QuerySet[ImportBatch]:
    """Every upload, newest first, with who uploaded and who confirmed it; without the file or its error rows
    (both may be megabytes): one query a page."""
    return ImportBatch.objects.select_related("uploaded_by", "applied_by").defer("content", "plan", "errors")


def batch_details() -> QuerySet[ImportBatch]:
    """Batches as their own page shows them: the error rows and both users, not the file."""
    return ImportBatch.objects.select_related("uploaded_by", "applied_by").defer("content", "plan")


class ErrorSampleRow(TypedDict):
    row: int  # the row number in the spreadsheet
    problems: list[tuple[str, str]]  # (column, message), identity numbers in the message masked


def error_sample(batch: ImportBatch, limit: int = ERROR_SAMPLE_SIZE) -> list[ErrorSampleRow]:
    """The first rows in error, for the page. A message may quote the cell it refuses ("tertulis 6271…"): masked
    here; the logged error report has it whole."""
    entries: list[dict[str, Any]] = batch.errors[:limit]
    return [
        ErrorSampleRow(
            row=entry["row"],
            problems=[(column, mask_numbers_in(message)) for column, message in entry["problems"]],
        )
        for entry in entries
    ]


def changed_sample(batch: ImportBatch) -> list[dict[str, Any]]:
    """The preview's sample of what would change, each field named as the forms name it, not by its column."""
    labels = {"household": _field_labels(Household), "person": _field_labels(Person)}
    return [
        {**change, "labels": [labels[change["kind"]].get(name, name) for name in change["fields"]]}
        for change in batch.summary.get("changed", [])
    ]


def _field_labels(model: type[Household | Person]) -> dict[str, str]:
    return {
        name: capfirst(str(field.verbose_name))
        for field in model._meta.concrete_fields
        for name in (field.name, field.attname)
    }


def desil_changes(batch: ImportBatch) -> list[dict[str, Any]]:
    """The preview's sample of families whose desil the list changes, with the list and date they had it from."""
    lists = dict(RankingSource.choices)
    return [
        {
            **change,
            "from_list": lists.get(change["from_list"], ""),
            "from_as_of": datetime.date.fromisoformat(change["from_as_of"]) if change["from_as_of"] else None,
        }
        for change in batch.summary.get("desil_changes", [])
    ]
