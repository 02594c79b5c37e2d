"""Interventions as a spreadsheet, identity numbers masked unless a supervisor asks for them."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.identity import mask
from interventions.models import Intervention

CHUNK = 2000


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


INTERVENTION_HEADER = [
    "id_intervensi", "opd", "program", "strategi", "status", "tanggal_rencana", "tanggal_tersalurkan", "nilai_rp",
    "jumlah", "satuan", "id_rumah_tangga", "kelurahan", "kecamatan", "penerima", "nik", "alasan_batal", "catatan",
    "dicatat_oleh",
]  # fmt: skip


def intervention_rows(interventions: QuerySet[Intervention], *, full_numbers: bool) -> Iterator[list]:
    show = (lambda number: number) if full_numbers else mask
    yield INTERVENTION_HEADER
    rows = interventions.select_related(
        "opd", "program", "person", "household__kelurahan__kecamatan", "recorded_by"
    ).order_by("id")
    for item in rows.iterator(chunk_size=CHUNK):
        yield [
            item.pk,
            item.opd.short_name,
            item.program.name,
            item.program.get_strategy_display(),
            item.get_status_display(),
            _date(item.planned_on),
            _date(item.delivered_on),
            item.amount if item.amount is not None else "",
            float(item.quantity) if item.quantity is not None else "",
            item.program.unit,
            item.household_id,
            item.household.kelurahan.name,
            item.household.kelurahan.kecamatan.name,
            item.person.full_name if item.person else _("Seluruh rumah tangga"),
            show(item.person.nik) if item.person else "",
            item.cancel_reason,
            item.notes,
            item.recorded_by.username,
        ]
