"""Reads for the import screens: the batches uploaded, and one batch with a sample of its rows in error."""

import datetime
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db.models import Count, QuerySet
from django.utils.text import capfirst

from core.identity import mask_numbers_in
from households.models import Household, Person, RankingSource
from imports.models import Bucket, ImportBatch, Reconciliation, ReconciliationRow

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


@dataclass
class NationalList:
    """A list (source, as of) the office has: imported, or reconciled before."""

    source: str
    as_of: datetime.date
    batches: int = 0
    reconciliation: Reconciliation | None = None

    @property
    def label(self) -> str:
        return str(RankingSource(self.source).label)


def national_lists() -> list[NationalList]:
    """The lists the imports recorded and the lists reconciled, newest first: two queries (a list is a (source,
    date) of rankings; those come from the import batches, a small table, not from the million rankings)."""
    lists: dict[tuple[str, datetime.date], NationalList] = {}
    imported = (
        ImportBatch.objects.filter(status=ImportBatch.Status.APPLIED, as_of__isnull=False)
        .exclude(list_kind="")
        .order_by()
        .values_list("list_kind", "as_of")
        .annotate(n=Count("id"))
    )
    for source, as_of, batches in imported:
        lists[(source, as_of)] = NationalList(source, as_of, batches=batches)
    for reconciliation in Reconciliation.objects.select_related("computed_by"):
        key = (reconciliation.source, reconciliation.as_of)
        lists.setdefault(key, NationalList(*key)).reconciliation = reconciliation
    return sorted(lists.values(), key=lambda entry: (entry.as_of, entry.source), reverse=True)


@dataclass
class SummaryLine:
    kelurahan: str
    kecamatan: str
    kelurahan_id: int | None
    counts: list[int] = field(default_factory=list)  # rows per bucket, in Bucket order
    total: int = 0

    @property
    def cells(self) -> list[tuple[str, str, int]]:
        """(bucket, its label, rows) in Bucket order."""
        return [(bucket, str(label), n) for (bucket, label), n in zip(Bucket.choices, self.counts, strict=True)]


@dataclass
class Summary:
    lines: list[SummaryLine]
    totals: list[int]  # per bucket
    undecided: list[int]  # per bucket
    total: int
    decided: int

    @property
    def total_cells(self) -> list[tuple[str, str, int, int]]:
        """(bucket, its label, rows, undecided rows) in Bucket order."""
        return [
            (bucket, str(label), n, open_)
            for (bucket, label), n, open_ in zip(Bucket.choices, self.totals, self.undecided, strict=True)
        ]


def reconciliation_summary(reconciliation: Reconciliation) -> Summary:
    """Rows per kelurahan and bucket, with the totals and what is still undecided: one grouped query."""
    order = {bucket: index for index, bucket in enumerate(Bucket.values)}
    grouped = (
        reconciliation.rows.order_by()
        .values_list("kelurahan_id", "kelurahan__name", "kelurahan__kecamatan__name", "bucket")
        .annotate(rows=Count("id"), decided=Count("decision"))
    )
    lines: dict[int | None, SummaryLine] = {}
    totals, undecided = [0] * len(order), [0] * len(order)
    for kelurahan_id, kelurahan, kecamatan, bucket, rows, decided in grouped:
        line = lines.get(kelurahan_id)
        if line is None:
            line = lines[kelurahan_id] = SummaryLine(kelurahan or "", kecamatan or "", kelurahan_id, [0] * len(order))
        line.counts[order[bucket]] += rows
        line.total += rows
        totals[order[bucket]] += rows
        undecided[order[bucket]] += rows - decided
    ordered = sorted(lines.values(), key=lambda line: (line.kelurahan_id is None, line.kecamatan, line.kelurahan))
    total = sum(totals)
    return Summary(ordered, totals, undecided, total, total - sum(undecided))


def reconciliation_row_list(reconciliation: Reconciliation) -> QuerySet[ReconciliationRow]:
    """The list's rows as its page shows them (a page at a time, in the order they were stored)."""
    return reconciliation.rows.select_related(
        "kelurahan", "household", "decision__decided_by", "decision__proposal"
    ).order_by("id")
