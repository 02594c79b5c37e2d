"""Interventions as a spreadsheet, identity numbers masked unless a supervisor asks for them."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.exports import labels
from core.identity import mask
from interventions.models import Intervention, Program

CHUNK = 2000


def _date(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""  # strftime is 4x slower


INTERVENTION_HEADER = [
    "id_intervensi", "opd", "program", "strategi", "status", "tanggal_rencana", "tanggal_tersalurkan", "nilai_rp",
    "jumlah", "satuan", "id_rumah_tangga", "kelurahan", "kecamatan", "penerima", "nik", "alasan_batal", "catatan",
    "dicatat_oleh",
]  # fmt: skip


COLUMNS = (
    "id", "opd__short_name", "program__name", "program__strategy", "status", "planned_on", "delivered_on", "amount",
    "quantity", "program__unit", "household_id", "household__kelurahan__name", "household__kelurahan__kecamatan__name",
    "person_id", "person__full_name", "person__nik", "cancel_reason", "notes", "recorded_by__username",
)  # fmt: skip


def intervention_rows(interventions: QuerySet[Intervention], *, full_numbers: bool) -> Iterator[list]:
    """Plain values from one joined query, choice labels looked up once (see cases.exports.labels)."""
    show = (lambda number: number) if full_numbers else mask
    strategies, statuses = labels(Program, "strategy"), labels(Intervention, "status")
    whole_household = _("Seluruh rumah tangga")
    yield INTERVENTION_HEADER
    for row in interventions.order_by("id").values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        (pk, opd, program, strategy, status, planned, delivered, amount, quantity, unit, household, kelurahan,
         kecamatan, person, name, nik, cancel_reason, notes, recorded_by) = row  # fmt: skip
        yield [
            pk, opd, program, strategies.get(strategy, strategy), statuses.get(status, status), _date(planned),
            _date(delivered), amount if amount is not None else "", float(quantity) if quantity is not None else "",
            unit, household, kelurahan, kecamatan, name if person else whole_household, show(nik) if person else "",
            cancel_reason, notes, recorded_by,
        ]  # fmt: skip
