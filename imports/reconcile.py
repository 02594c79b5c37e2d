"""Reconciliation of a national list (issue 15, item 3): one list is the rankings of one source as of one date
(`Ranking` rows, e.g. DTSEN per 01/10/2026). Per kelurahan it lists

- `entered`: desil 1 in this list, not desil 1 (or not ranked) in the previous list of the same source;
- `left`: desil 1 in the previous list, ranked in this list with another desil;
- `missing`: in the register (not archived), ranked in the previous list, not ranked in this one;
- `created`: ranked in this list, created by an import of this list (not in the register before); such a household
  is in no other bucket but `mismatch` (newly in desil 1 is noted on its row, not counted again in `entered`);
- `mismatch`: what the imports of this list found disagreeing with the register — the rows they refused (wrong
  or conflicting NIK/KK, unknown place, …, from `ImportBatch.errors`) and the households they moved to another
  kelurahan or gave another No. KK (their change-log rows).

The previous list is the latest "as of" date of the same source before this one. Without one, nothing entered,
left or went missing: everyone not ranked in a first list would be "missing", which says nothing.

The imports of a list are the applied batches of that source and date; each writes its change-log rows with its
own label (`ImportBatch.source_label`): a household *created* by one has a "create" row with that label, a household
it *moved* an "update" row whose changes name the kelurahan or the No. KK. Both are read by the households of the
list (an indexed lookup), so a household an import created without a desil (not ranked) is not listed.

The rows are computed on the job queue and stored (`ReconciliationRow`), replacing the list's earlier rows; the
supervisor's decisions are kept apart (`ReconciliationDecision`, keyed by list, bucket and row key) and the rows
point at them, so a recomputed list keeps them. A decision to propose a correction opens the household's DTSEN
proposal (coordination.services.dtsen_propose) or links to the one it has open.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.casework import case_write
from audit.models import ChangeLog
from audit.services import save_with_log
from coordination.models import DtsenProposal
from coordination.services import dtsen_propose
from core.errors import DomainError
from core.identity import mask, mask_numbers_in
from households.models import Household, Kelurahan, Ranking, RankingSource
from imports import cleaning
from imports.columns import BY_KEY, list_family_id, match_header
from imports.models import (
    PROPOSAL_DEFAULTS,
    Bucket,
    ImportBatch,
    Reconciliation,
    ReconciliationDecision,
    ReconciliationRow,
)
from imports.regions import RegionIndex

if TYPE_CHECKING:
    from accounts.models import User

CHUNK = 2000
BUCKET_ORDER = {bucket: index for index, bucket in enumerate(Bucket.values)}
DETAIL_CHARS = 1000
T = TypeVar("T")


@dataclass
class Finding:
    bucket: str
    key: str
    household_id: int | None
    kelurahan_id: int | None
    desil_before: int | None = None
    desil_after: int | None = None
    details: list[str] = field(default_factory=list)


def list_label(source: str, as_of: datetime.date) -> str:
    return _("%(list)s per %(date)s") % {"list": RankingSource(source).label, "date": as_of.strftime("%d/%m/%Y")}


def previous_as_of(source: str, as_of: datetime.date) -> datetime.date | None:
    """The date of the list of the same source before this one, if any."""
    latest: datetime.date | None = Ranking.objects.filter(source=source, as_of__lt=as_of).aggregate(
        latest=Max("as_of")
    )["latest"]
    return latest


def list_batches(source: str, as_of: datetime.date) -> list[ImportBatch]:
    """The applied imports that recorded this list (the same list may be uploaded in several files)."""
    return list(
        ImportBatch.objects.filter(list_kind=source, as_of=as_of, status=ImportBatch.Status.APPLIED)
        .defer("content", "plan")
        .order_by("id")
    )


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _ranks(source: str, as_of: datetime.date, step: Callable[[int], None]) -> dict[int, int]:
    """household id -> desil in one list, read in one pass."""
    ranks: dict[int, int] = {}
    rows = Ranking.objects.filter(source=source, as_of=as_of).order_by().values_list("household_id", "desil")
    for household_id, desil in rows.iterator(chunk_size=CHUNK):
        ranks[household_id] = desil
        if len(ranks) % 1000 == 0:
            step(1000)
    step(len(ranks) % 1000)
    return ranks


def _places(ids: Iterable[int]) -> dict[int, tuple[int, bool]]:
    """household id -> (kelurahan id, archived)."""
    places: dict[int, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(ids)):
        for pk, kelurahan_id, archived_at in (
            Household.objects.filter(pk__in=chunk).order_by().values_list("id", "kelurahan_id", "archived_at")
        ):
            places[pk] = (kelurahan_id, archived_at is not None)
    return places


def _desil(value: int | None) -> str:
    return _("Desil %(n)d") % {"n": value} if value is not None else _("tidak ada di daftar")


class _Findings:
    def __init__(self, places: dict[int, tuple[int, bool]]) -> None:
        self.places = places
        self.found: dict[tuple[str, str], Finding] = {}

    def household(
        self,
        bucket: str,
        household_id: int,
        detail: str,
        *,
        desil_before: int | None = None,
        desil_after: int | None = None,
    ) -> Finding:
        key = f"hh-{household_id}"
        finding = self.found.get((bucket, key))
        if finding is None:
            kelurahan_id = self.places.get(household_id, (None, False))[0]
            finding = Finding(bucket, key, household_id, kelurahan_id, desil_before, desil_after)
            self.found[(bucket, key)] = finding
        if detail and detail not in finding.details:
            finding.details.append(detail)
        return finding

    def row(self, bucket: str, key: str, kelurahan_id: int | None, detail: str) -> None:
        finding = self.found.get((bucket, key))
        if finding is None:
            finding = self.found[(bucket, key)] = Finding(bucket, key, None, kelurahan_id)
        finding.kelurahan_id = finding.kelurahan_id or kelurahan_id
        if detail not in finding.details:
            finding.details.append(detail)


def compute(
    *, source: str, as_of: datetime.date, step: Callable[[int], None] | None = None
) -> tuple[list[Finding], dict[str, Any]]:
    """What the list says against the register and the previous list: the findings, and what they were computed
    from. Reads only; `reconcile` stores them. `step(n)` hears of the households read."""
    step = step or (lambda _n: None)
    previous = previous_as_of(source, as_of)
    current = _ranks(source, as_of, step)
    if not current:
        raise DomainError(_("Belum ada peringkat dari daftar %(list)s.") % {"list": list_label(source, as_of)})
    before = _ranks(source, previous, step) if previous is not None else {}
    places = _places(current.keys() | before.keys())
    findings = _Findings(places)
    if previous is not None:
        for household_id, desil in current.items():
            old = before.get(household_id)
            if desil == 1 and old != 1:
                detail = _("%(before)s → desil 1") % {"before": _desil(old)}
                findings.household(Bucket.ENTERED, household_id, detail, desil_before=old, desil_after=desil)
            elif old == 1 and desil != 1:
                detail = _("Desil 1 → desil %(n)d") % {"n": desil}
                findings.household(Bucket.LEFT, household_id, detail, desil_before=old, desil_after=desil)
        for household_id, old in before.items():
            if household_id not in current and not places.get(household_id, (None, True))[1]:
                detail = _("Tidak ada di daftar ini; di daftar %(date)s: desil %(n)d") % {
                    "date": previous.strftime("%d/%m/%Y"),
                    "n": old,
                }
                findings.household(Bucket.MISSING, household_id, detail, desil_before=old)
    batches = list_batches(source, as_of)
    _from_change_log(findings, batches, current, step)
    _created_only(findings)
    _refused_rows(findings, batches)
    basis = {"previous_as_of": previous, "ranked": len(current), "batches": [batch.pk for batch in batches]}
    return list(findings.found.values()), basis


def _from_change_log(
    findings: _Findings, batches: list[ImportBatch], current: dict[int, int], step: Callable[[int], None]
) -> None:
    """Households of the list its imports created, moved to another kelurahan, or gave another No. KK."""
    by_label = {batch.source_label: batch for batch in batches}
    if not by_label:
        step(len(current))
        return
    content_type = ContentType.objects.get_for_model(Household)
    for chunk in _chunks(sorted(current)):
        logged = ChangeLog.objects.filter(content_type=content_type, object_id__in=chunk, source__in=list(by_label))
        for household_id, label in (
            logged.filter(action=ChangeLog.Action.CREATE).order_by().values_list("object_id", "source")
        ):
            detail = _("Dibuat dari impor #%(batch)d (%(file)s), desil %(n)d") % {
                "batch": by_label[label].pk,
                "file": by_label[label].file_name,
                "n": current[household_id],
            }
            findings.household(Bucket.CREATED, household_id, detail, desil_after=current[household_id])
        moved = logged.filter(action=ChangeLog.Action.UPDATE, changes__has_any_keys=["kelurahan", "no_kk"])
        for household_id, label, changes in moved.order_by("at", "id").values_list("object_id", "source", "changes"):
            batch = by_label[label].pk
            if "kelurahan" in changes:
                old, new = changes["kelurahan"]
                detail = _("Impor #%(batch)d memindahkan kelurahan: %(old)s → %(new)s") % {
                    "batch": batch,
                    "old": old or "—",
                    "new": new or "—",
                }
                findings.household(Bucket.MISMATCH, household_id, detail)
            if "no_kk" in changes:
                old, new = changes["no_kk"]
                detail = _("Impor #%(batch)d mengganti No. KK: %(old)s → %(new)s") % {
                    "batch": batch,
                    "old": mask(old or "") or "—",
                    "new": mask(new or "") or "—",
                }
                findings.household(Bucket.MISMATCH, household_id, detail)
        step(len(chunk))


def _created_only(findings: _Findings) -> None:
    """A household the list's imports created is counted once, in `created`: its move into (or out of) desil 1 is
    noted on that row instead of being a row of `entered` (or `left`) too. Its disagreements stay in `mismatch`."""
    for created in [finding for finding in findings.found.values() if finding.bucket == Bucket.CREATED]:
        for bucket in (Bucket.ENTERED, Bucket.LEFT):
            moved = findings.found.pop((bucket, created.key), None)
            if moved is not None:
                created.desil_before = moved.desil_before
                created.details.append(
                    _("%(bucket)s (%(movement)s), dihitung di kelompok ini saja")
                    % {"bucket": Bucket(bucket).label, "movement": "; ".join(moved.details)}
                )


@dataclass
class _Refused:
    batch: int
    row: int
    p3ke_id: str
    no_kk: str
    kelurahan_id: int | None
    problems: str


def _clean(key: str, value: Any) -> str:
    if value is None or cleaning.is_blank(value):
        return ""
    try:
        return str(BY_KEY[key].clean(value) or "")
    except cleaning.CellError:
        return ""


def _refused(batch: ImportBatch, regions: RegionIndex) -> Iterator[_Refused]:
    """The rows an import of the list refused (or skipped with their family), with what identifies their family and
    place as the file wrote them."""
    header = batch.summary.get("header") or []
    found = match_header(header)
    mapping = list_family_id(found[0], header, batch.list_kind) if found else {}
    index = {key: position for position, key in mapping.items()}
    for entry in batch.errors:
        values = entry.get("values") or []

        def cell(key: str, values: list[Any] = values) -> Any:
            position = index.get(key)
            return values[position] if position is not None and position < len(values) else None

        kelurahan_id = None
        if any(cell(key) not in (None, "") for key in ("kelurahan", "kode_wilayah")):
            kelurahan_id = regions.match(cell("kecamatan"), cell("kelurahan"), cell("kode_wilayah"))[0]
        problems = "; ".join(
            f"{column}: {message}" if column else message for column, message in entry.get("problems", [])
        )
        yield _Refused(
            batch=batch.pk,
            row=entry["row"],
            p3ke_id=_clean("id_keluarga_p3ke", cell("id_keluarga_p3ke")),
            no_kk=_clean("no_kk", cell("no_kk")),
            kelurahan_id=kelurahan_id,
            problems=mask_numbers_in(problems),
        )


def _refused_rows(findings: _Findings, batches: list[ImportBatch]) -> None:
    """One finding per family the imports refused rows of: the register's household with that P3KE id or No. KK if
    there is one (linked to its case file), else the family as the file names it, else the row itself."""
    batches = [batch for batch in batches if batch.errors]
    if not batches:
        return
    regions = RegionIndex()
    refused = [row for batch in batches for row in _refused(batch, regions)]
    by_p3ke: dict[str, tuple[int, int]] = {}
    by_kk: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted({row.p3ke_id for row in refused if row.p3ke_id})):
        for pk, p3ke_id, kelurahan_id in Household.objects.filter(p3ke_id__in=chunk).values_list(
            "id", "p3ke_id", "kelurahan_id"
        ):
            by_p3ke[p3ke_id] = (pk, kelurahan_id)
    for chunk in _chunks(sorted({row.no_kk for row in refused if row.no_kk})):
        for pk, no_kk, kelurahan_id in Household.objects.filter(no_kk__in=chunk).values_list(
            "id", "no_kk", "kelurahan_id"
        ):
            by_kk[no_kk] = (pk, kelurahan_id)
    for row in refused:
        detail = _("Impor #%(batch)d baris %(row)d ditolak: %(problems)s") % {
            "batch": row.batch,
            "row": row.row,
            "problems": row.problems,
        }
        stored = by_p3ke.get(row.p3ke_id) or by_kk.get(row.no_kk)
        if stored is not None:
            household_id, kelurahan_id = stored
            findings.places.setdefault(household_id, (kelurahan_id, False))
            findings.household(Bucket.MISMATCH, household_id, detail)
        else:
            findings.row(Bucket.MISMATCH, _family_key(row), row.kelurahan_id, detail)


def _family_key(row: _Refused) -> str:
    """A refused family's key while it is not in the register: its P3KE id or No. KK, hashed (no identity number is
    kept in the key), or else the batch and row."""
    if row.p3ke_id or row.no_kk:
        kind, value = ("p3ke", row.p3ke_id) if row.p3ke_id else ("kk", row.no_kk)
        return f"{kind}-{hashlib.sha256(value.encode()).hexdigest()[:24]}"
    return f"row-{row.batch}-{row.row}"


def reconcile(
    *, source: str, as_of: datetime.date, actor: "User | None", step: Callable[[int], None] | None = None
) -> Reconciliation:
    """Compute the list's reconciliation and store it in place of the earlier one, keeping the decisions."""
    findings, basis = compute(source=source, as_of=as_of, step=step)
    names = dict(Kelurahan.objects.values_list("id", "name"))
    findings.sort(
        key=lambda f: (
            BUCKET_ORDER[f.bucket],
            names.get(f.kelurahan_id, "\uffff") if f.kelurahan_id else "\uffff",
            f.household_id or 0,
            f.key,
        )
    )
    with transaction.atomic():
        reconciliation, _created = Reconciliation.objects.select_for_update().get_or_create(source=source, as_of=as_of)
        reconciliation.rows.all().delete()
        decisions = {
            (bucket, key): pk for pk, bucket, key in reconciliation.decisions.values_list("id", "bucket", "key")
        }
        ReconciliationRow.objects.bulk_create(
            (
                ReconciliationRow(
                    reconciliation=reconciliation,
                    bucket=finding.bucket,
                    kelurahan_id=finding.kelurahan_id,
                    household_id=finding.household_id,
                    key=finding.key,
                    desil_before=finding.desil_before,
                    desil_after=finding.desil_after,
                    detail=_joined(finding.details),
                    decision_id=decisions.get((finding.bucket, finding.key)),
                )
                for finding in findings
            ),
            batch_size=CHUNK,
        )
        reconciliation.previous_as_of = basis["previous_as_of"]
        reconciliation.ranked = basis["ranked"]
        reconciliation.batches = basis["batches"]
        reconciliation.computed_at = timezone.now()
        reconciliation.computed_by = actor if actor is not None and actor.is_authenticated else None
        reconciliation.save()
    return reconciliation


def _joined(details: list[str]) -> str:
    text = "; ".join(details)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def bucket_counts(reconciliation: Reconciliation) -> dict[tuple[str, int | None], tuple[int, int]]:
    """(bucket, kelurahan id) -> (rows, decided rows), from the stored rows in one query."""
    return {
        (bucket, kelurahan_id): (rows, decided)
        for bucket, kelurahan_id, rows, decided in reconciliation.rows.order_by()
        .values("bucket", "kelurahan_id")
        .annotate(rows=Count("id"), decided=Count("decision"))
        .values_list("bucket", "kelurahan_id", "rows", "decided")
    }


# What a reconciliation row may propose: it is about a family DTSEN lists (or listed), so a change or a removal.
PROPOSAL_KINDS = (DtsenProposal.Kind.CHANGE, DtsenProposal.Kind.REMOVAL)


class Decided(NamedTuple):
    decision: ReconciliationDecision
    opened: bool  # the decision opened its DTSEN proposal (False: linked to the household's open one, or none)


@case_write
def reconciliation_decide(
    *,
    reconciliation: Reconciliation,
    bucket: str,
    key: str,
    decision: str,
    reason: str,
    actor: "User",
    proposal_kind: str = "",
    proposal_reason: str = "",
) -> Decided:
    """Record (or change) the supervisor's decision on a row of the list, in the change log (and so in the
    household's case history when the row has a household).

    "Propose a correction" opens the household's DTSEN proposal in the same transaction (`proposal_kind` and
    `proposal_reason`, by default the bucket's: PROPOSAL_DEFAULTS), or links the decision to the proposal the
    household already has open; a row without a household (a refused file row) cannot be proposed from here."""
    row = ReconciliationRow.objects.filter(reconciliation=reconciliation, bucket=bucket, key=key).first()
    if row is None:
        raise DomainError(_("Baris ini sudah tidak ada: daftar dihitung ulang. Muat ulang halamannya."))
    reason = reason.strip()
    if decision not in ReconciliationDecision.Choice.values:
        raise DomainError(_("Pilih keputusan."))
    if decision != ReconciliationDecision.Choice.ACCEPT and not reason:
        raise DomainError(_("Tuliskan alasannya: mempertahankan atau mengusulkan perbaikan perlu alasan."))
    stored = (
        ReconciliationDecision.objects.select_for_update()
        .filter(reconciliation=reconciliation, bucket=bucket, key=key)
        .first()
    )
    proposal, opened = None, False
    if decision == ReconciliationDecision.Choice.PROPOSE:
        proposal, opened = _proposal_for(row, reconciliation, proposal_kind, proposal_reason, reason, actor)
    instance = stored or ReconciliationDecision(
        reconciliation=reconciliation, bucket=bucket, key=key, household_id=row.household_id
    )
    instance = save_with_log(
        actor=actor,
        instance=instance,
        decision=decision,
        reason=reason,
        decided_at=timezone.now(),
        decided_by=actor,
        proposal=proposal,
    )
    ReconciliationRow.objects.filter(reconciliation=reconciliation, bucket=bucket, key=key).update(decision=instance)
    return Decided(instance, opened)


def _proposal_for(
    row: ReconciliationRow, reconciliation: Reconciliation, kind: str, proposal_reason: str, reason: str, actor: "User"
) -> tuple[DtsenProposal, bool]:
    """The household's open DTSEN proposal, or one opened now for the row (its change-log entry written by
    dtsen_propose); True when opened now."""
    household = row.household if row.household_id is not None else None
    if household is None:
        raise DomainError(
            _(
                "Baris ini belum punya rumah tangga di registri, jadi perbaikannya tidak dapat diusulkan dari sini. "
                "Perbaiki barisnya di berkas dan unggah ulang, atau daftarkan keluarganya, lalu hitung ulang "
                "rekonsiliasi."
            )
        )
    open_one = DtsenProposal.objects.filter(household=household, state__in=DtsenProposal.OPEN_STATES).first()
    if open_one is not None:
        return open_one, False
    if not kind:
        kind, proposal_reason = PROPOSAL_DEFAULTS.get(row.bucket, ("", ""))
    if not kind:
        raise DomainError(
            _(
                "Pilih jenis usulan: keluarga yang tidak ada di daftar dapat diusulkan dihapus (meninggal, pindah, "
                "…) atau diubah datanya."
            )
        )
    if kind not in PROPOSAL_KINDS:
        raise DomainError(_("Dari rekonsiliasi hanya dapat diusulkan perubahan data atau penghapusan."))
    reference = _("Dari rekonsiliasi daftar %(list)s, kelompok “%(bucket)s”.") % {
        "list": list_label(reconciliation.source, reconciliation.as_of),
        "bucket": Bucket(row.bucket).label,
    }
    proposal = dtsen_propose(
        household=household,
        actor=actor,
        kind=kind,
        reason=proposal_reason,
        description=f"{reason}\n\n{reference}",
    )
    return proposal, True
