"""Import a planned spreadsheet: one transaction, bulk writes, and a change-log row for every record
created or changed, with the import (file name, user, time) as its source."""

import datetime
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.casework import case_write
from audit.models import ChangeLog
from audit.services import display_value
from coordination.models import DtsenProposal
from core.errors import DomainError
from households.models import (
    Household,
    HouseholdStatusChange,
    Kelurahan,
    Person,
    Ranking,
    RankingSource,
    normalize_name,
)
from households.rankings import rankings_record_many
from imports.models import ImportBatch
from imports.planner import CHUNK, HouseholdGroup, Plan, _chunks, household_columns, match_plan, read_plan

# The stored report of rows to fix: its first rows, up to this many and this many characters of cells.
MAX_STORED_ERROR_ROWS = 50_000
MAX_STORED_ERROR_CHARS = 50_000_000
CREATED_SHOWN = 200


def _error_rows(plan: Plan) -> list[dict[str, Any]]:
    """The rows to fix with the cells as the file has them, kept from the one pass over the file."""
    problems: dict[int, list[list[str]]] = {}
    for error in plan.errors:
        problems.setdefault(error.row, []).append([error.column, error.message])
    skipped = _("Dilewati: anggota lain keluarga ini bermasalah; unggah ulang seluruh keluarga.")
    for row in plan.skipped_rows():
        problems.setdefault(row, []).append(["", skipped])
    wanted = sorted(problems)[:MAX_STORED_ERROR_ROWS]
    raw = plan.raw.get(wanted)
    report, size = [], 0
    for row in wanted:
        values = raw.get(row, [])
        size += sum(len(str(value)) for value in values) + sum(len(message) for _c, message in problems[row])
        if size > MAX_STORED_ERROR_CHARS:
            break
        report.append({"row": row, "values": values, "problems": problems[row]})
    return report


def _summary(plan: Plan, list_kind: str, as_of: datetime.date, limit: int = 200) -> dict[str, Any]:
    """Counts, plus a sample of what would change, for the preview page."""
    changed = []
    for group in plan.ok_groups:
        if group.existing_id and group.changes:
            changed.append(
                {"kind": "household", "id": group.existing_id, "row": group.first_row, "fields": list(group.changes)}
            )
        for person in group.persons:
            if person.existing_id and person.changes:
                changed.append(
                    {
                        "kind": "person",
                        "id": person.existing_id,
                        "row": person.row,
                        "name": person.fields.get("full_name", ""),
                        "fields": list(person.changes),
                    }
                )
        if len(changed) >= limit:
            break
    ranked = [group for group in plan.ok_groups if group.fields.get("desil") is not None]
    proposed = sum(1 for group in plan.ok_groups if group.existing_id is None and _waits_as_proposal(group, list_kind))
    return {
        **plan.counts(),
        "header": plan.header,
        "unknown_columns": plan.unknown_columns,
        "changed": changed[:limit],
        "ranked": len(ranked),
        "proposed": proposed,
        **_desil_changes(ranked, list_kind, as_of, limit),
    }


def _desil_changes(groups: list[HouseholdGroup], list_kind: str, as_of: datetime.date, limit: int) -> dict[str, Any]:
    """Families whose desil this list changes (their latest ranking is older, with another desil), and rankings of
    this same list and date recorded before that it would correct: both for the preview to show before applying."""
    existing = [group for group in groups if group.existing_id is not None]
    same_list: dict[int, int] = {}
    for chunk in _chunks([cast(int, group.existing_id) for group in existing]):
        same_list.update(
            Ranking.objects.filter(household_id__in=chunk, source=list_kind, as_of=as_of).values_list(
                "household_id", "desil"
            )
        )
    moved, corrected = [], 0
    for group in existing:
        desil = group.fields["desil"]
        before = same_list.get(cast(int, group.existing_id))
        corrected += before is not None and before != desil
        stored_desil, stored_list, stored_as_of = group.stored_desil
        if stored_desil != desil and (stored_as_of is None or as_of >= stored_as_of):
            moved.append(
                {
                    "id": group.existing_id,
                    "row": group.first_row,
                    "from": stored_desil,
                    "from_list": stored_list,
                    "from_as_of": stored_as_of.isoformat() if stored_as_of else None,
                    "to": desil,
                }
            )
    return {"desil_changed": len(moved), "desil_changes": moved[:limit], "rankings_corrected": corrected}


@transaction.atomic
def import_preview(
    *,
    file_name: str,
    data: bytes,
    source: str,
    user: User,
    list_kind: str,
    as_of: datetime.date,
    plan: Plan | None = None,
) -> ImportBatch:
    """Dry run: store the file and what importing it would do. Nothing in the case data changes.

    `plan` is the file as `read_plan` read it, when the caller has read it already; it is matched with the
    database here. A file that cannot be imported at all is refused: the batch comes back unsaved, with its
    message."""
    plan = plan or read_plan(file_name, data, list_kind=list_kind)
    batch = ImportBatch(
        file_name=file_name[:255],
        source=source[:100],
        uploaded_by=user,
        size=len(data),
        list_kind=list_kind,
        as_of=as_of,
    )
    if plan.fatal or plan.is_empty():
        batch.status = ImportBatch.Status.REJECTED
        batch.message = plan.fatal or _("Berkas tidak berisi baris data.")
        return batch
    batch.plan = plan.freeze()  # what the file says, kept for applying: matching with the database is redone then
    match_plan(plan, as_of=as_of)
    batch.content = data
    batch.summary = _summary(plan, list_kind, as_of)
    batch.errors = _error_rows(plan)
    batch.save()
    return batch


@transaction.atomic
def import_cancel(*, batch: ImportBatch, actor: User) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().defer("content", "plan").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise DomainError(_("Impor ini sudah tidak menunggu konfirmasi."))
    batch.status = ImportBatch.Status.CANCELLED
    batch.content = batch.plan = None
    batch.save(update_fields=["status", "content", "plan"])
    return batch


@case_write
def import_apply(*, batch: ImportBatch, actor: User, plan: Plan | None = None) -> ImportBatch:
    """Import what the dry run showed, re-checked against the database as it is now. All or nothing.

    `plan` may be passed when it was matched moments ago in the same process (the command line). Otherwise
    what the preview read from the file is matched again with the database, because time has passed since.
    """
    batch = ImportBatch.objects.select_for_update().defer("content").get(pk=batch.pk)  # the file only if needed
    if batch.status != ImportBatch.Status.PREVIEW:
        raise DomainError(_("Impor ini sudah diproses (%(status)s).") % {"status": batch.get_status_display()})
    if plan is None:
        plan = _read_again(batch)
        if plan.fatal:
            raise DomainError(plan.fatal)
        match_plan(plan, as_of=batch.as_of)
    # Before applying: applying gives the new households their ids.
    summary = _summary(plan, batch.list_kind, cast(datetime.date, batch.as_of))
    new = [group for group in plan.ok_groups if group.existing_id is None]
    _apply(plan, actor=actor, source=batch.source_label, list_kind=batch.list_kind, file_name=batch.file_name)
    # The first new households, to open from the result (the registry lists them all, newest first).
    summary["created"] = [{"id": group.existing_id, "row": group.first_row} for group in new[:CREATED_SHOWN]]
    rankings_record_many(
        (
            (cast(int, group.existing_id), group.fields["desil"], _family_id(group, batch.list_kind))
            for group in plan.ok_groups
            if group.fields.get("desil") is not None
        ),
        source=batch.list_kind,
        as_of=cast(datetime.date, batch.as_of),
        actor=actor,
        via=batch.source_label,
    )
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.applied_by = actor
    batch.summary = summary
    if plan.error_rows or plan.skipped_rows():
        batch.errors = _error_rows(plan)
    batch.content = batch.plan = None
    batch.save()
    return batch


def _marked_extreme_poor(group: HouseholdGroup) -> bool:
    return any(person.fields.get("is_extreme_poor") for person in group.persons)


def _waits_as_proposal(group: HouseholdGroup, list_kind: str) -> bool:
    """A new family a list marks extreme poor is extreme poor at once only when the list is a national one (DTSEN,
    P3KE, DTKS). From any other list ("Lainnya") it waits as "diusulkan" with a DTSEN proposal for a new family,
    as a family registered in the app does (households.services.household_register_proposed)."""
    return list_kind == RankingSource.OTHER and _marked_extreme_poor(group)


def _new_status(group: HouseholdGroup, list_kind: str) -> str:
    if _waits_as_proposal(group, list_kind):
        return Household.Status.PROPOSED
    return Household.Status.EXTREME_POOR if _marked_extreme_poor(group) else Household.Status.POOR


def _family_id(group: HouseholdGroup, list_kind: str) -> str:
    """The family's id in the list: its own column, or for a P3KE list the P3KE family id."""
    own: str = group.fields.get("family_id") or ""
    if own or list_kind != RankingSource.P3KE:
        return own
    return str(group.fields.get("p3ke_id") or "")


def _read_again(batch: ImportBatch) -> Plan:
    """What the preview read from the file; the file is read again when the preview kept nothing readable (a
    batch previewed before plans were kept, or by a version of the app that kept them differently)."""
    kept = Plan.thaw(bytes(batch.plan)) if batch.plan is not None else None
    if kept is not None and kept.list_kind == batch.list_kind:  # read for the list the batch is applied as
        return kept
    assert batch.content is not None  # a batch waiting in preview keeps its file
    return read_plan(batch.file_name, bytes(batch.content), list_kind=batch.list_kind)


class _Log:
    """Change-log rows collected during the import and written in bulk."""

    def __init__(self, actor: User, source: str) -> None:
        self.actor, self.source = actor, source
        self.rows: list[ChangeLog] = []
        models = (Household, Person, DtsenProposal)
        self.types = {model: ContentType.objects.get_for_model(model) for model in models}
        self.fields = {model: {f.attname: f for f in model._meta.concrete_fields} for model in models}
        self.kelurahan = dict(Kelurahan.objects.values_list("id", "name"))
        self.labels: dict[Any, dict[Any, str]] = {}

    def _show(self, model: type[Household | Person | DtsenProposal], name: str, value: Any) -> Any:
        if name == "kelurahan_id":
            return self.kelurahan.get(value)
        field = self.fields[model][name]
        if field.choices and value is not None and value != "":
            # display_value's label, looked up in a table made once per field (it rebuilds and translates the
            # choices on every call: half a million calls in a 100,000-row import).
            labels = self.labels.get(field)
            if labels is None:
                labels = self.labels[field] = {key: str(label) for key, label in field.flatchoices}
            return labels.get(value) or str(value)
        return display_value(field, value)

    def add(
        self,
        model: type[Household | Person | DtsenProposal],
        pk: int,
        case_id: int,
        repr_: str,
        action: str,
        changes: dict[str, list[Any]],
    ) -> None:
        self.rows.append(
            ChangeLog(
                actor=self.actor,
                action=action,
                content_type=self.types[model],
                object_id=pk,
                object_repr=repr_[:200],
                case_id=case_id,
                changes={
                    name.removesuffix("_id"): [self._show(model, name, old), self._show(model, name, new)]
                    for name, (old, new) in changes.items()
                },
                source=self.source,
            )
        )

    def add_proposal(self, proposal: DtsenProposal) -> None:
        """The "create" entry of a proposal, with the values `log_change` would write (its household and proposer
        by name: both are at hand, no query)."""
        fields = self.fields[DtsenProposal]
        changes: dict[str, list[Any]] = {
            name: [None, getattr(proposal, fields[name].attname)]
            for name in ("kind", "reason", "description", "state", "proposed_at")
        }
        self.add(DtsenProposal, proposal.pk, proposal.household_id, str(proposal), ChangeLog.Action.CREATE, changes)
        entry = self.rows[-1]
        entry.changes["household"] = [None, str(proposal.household)]
        entry.changes["proposed_by"] = [None, str(self.actor)]

    def flush(self) -> None:
        ChangeLog.objects.bulk_create(self.rows, batch_size=CHUNK)
        self.rows = []


def _apply(plan: Plan, *, actor: User, source: str, list_kind: str = "", file_name: str = "") -> None:
    """Bulk writes in chunks: a hundred thousand model instances at once would cost hundreds of megabytes.
    The case tables' bulk writes note the households they touch; the summaries and tallies of those are
    refreshed before the import's transaction commits (audit.casework). New families a list that is not a national
    one marks extreme poor wait as "diusulkan", each with a DTSEN proposal (`_waits_as_proposal`)."""
    now = timezone.now()
    log = _Log(actor, source)
    description = _(
        "Dari berkas %(file)s (daftar %(list)s, bukan daftar nasional): ditandai miskin ekstrem; menunggu musyawarah "
        "kelurahan dan persetujuan supervisor."
    ) % {"file": file_name, "list": RankingSource(list_kind).label if list_kind else "—"}
    groups = plan.ok_groups
    new_groups = [g for g in groups if g.existing_id is None]
    changed_groups = [g for g in groups if g.existing_id is not None and g.changes]

    for chunk in _chunks(new_groups):
        created = Household.objects.bulk_create(
            [
                Household(
                    **{k: v for k, v in household_columns(g.fields).items() if v is not None},
                    status=_new_status(g, list_kind),
                    status_changed_at=now,
                    created_by=actor,
                )
                for g in chunk
            ]
        )
        for group, household in zip(chunk, created, strict=True):
            group.existing_id = household.pk
            log.add(
                Household,
                household.pk,
                household.pk,
                f"Rumah tangga #{household.pk}",
                ChangeLog.Action.CREATE,
                {k: [None, v] for k, v in household_columns(group.fields).items() if v not in ("", None)},
            )
        HouseholdStatusChange.objects.bulk_create(
            [
                HouseholdStatusChange(
                    household=h, from_status="", to_status=h.status, changed_at=now, changed_by=actor, reason=source
                )
                for h in created
            ]
        )
        _propose(created, actor=actor, log=log, description=description)
        log.flush()

    for chunk in _chunks(changed_groups):
        stored = Household.objects.in_bulk([g.existing_id for g in chunk])
        for group in chunk:
            household = stored[group.existing_id]
            for name, (_old, new) in group.changes.items():
                setattr(household, name, new)
            household.version += 1
            household.updated_at = now
            log.add(Household, household.pk, household.pk, str(household), ChangeLog.Action.UPDATE, group.changes)
        fields = sorted({name for g in chunk for name in g.changes} | {"version", "updated_at"})
        Household.objects.bulk_update(stored.values(), fields)
        log.flush()

    # Every group has its household's id by now: the new households were created above.
    new_rows = (
        (cast(int, group.existing_id), person)
        for group in groups
        for person in group.persons
        if person.existing_id is None and not group.older
    )
    for new_chunk in _chunks(new_rows):
        created_persons = Person.objects.bulk_create(
            [
                Person(
                    household_id=household_id,
                    search_name=normalize_name(row.fields.get("full_name", "")),
                    **{k: v for k, v in row.fields.items() if v is not None},
                )
                for household_id, row in new_chunk
            ]
        )
        for person, (_household_id, row) in zip(created_persons, new_chunk, strict=True):
            log.add(
                Person,
                person.pk,
                person.household_id,
                person.full_name,
                ChangeLog.Action.CREATE,
                {k: [None, v] for k, v in row.fields.items() if v not in ("", None)},
            )
        log.flush()

    changed_persons = [p for g in groups for p in g.persons if p.existing_id and p.changes]
    for rows_chunk in _chunks(changed_persons):
        stored_persons = Person.objects.in_bulk([p.existing_id for p in rows_chunk])
        for row in rows_chunk:
            person = stored_persons[row.existing_id]
            for name, (_old, new) in row.changes.items():
                setattr(person, name, new)
            person.search_name = normalize_name(person.full_name)
            person.version += 1
            person.updated_at = now
            log.add(Person, person.pk, person.household_id, person.full_name, ChangeLog.Action.UPDATE, row.changes)
        fields = sorted({name for p in rows_chunk for name in p.changes} | {"search_name", "version", "updated_at"})
        Person.objects.bulk_update(stored_persons.values(), fields)
        log.flush()


def _propose(households: list[Household], *, actor: User, log: _Log, description: str) -> None:
    """A DTSEN proposal for a new family for each household created waiting as "diusulkan", in one bulk write with
    its change-log entries."""
    waiting = [household for household in households if household.status == Household.Status.PROPOSED]
    if not waiting:
        return
    proposals = DtsenProposal.objects.bulk_create(
        [
            DtsenProposal(
                household=household,
                kind=DtsenProposal.Kind.NEW,
                reason=DtsenProposal.Reason.NOT_LISTED,
                description=description,
                proposed_by=actor,
            )
            for household in waiting
        ]
    )
    for proposal in proposals:
        log.add_proposal(proposal)
