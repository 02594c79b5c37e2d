"""Large imports run in the background (jobs app): the dry run of a big file, and applying it. Small files
stay in the request, where the answer comes at once."""

import datetime
import secrets

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from core.exports import stamped
from core.permissions import ADD, VIEW, has_perm
from households.models import Ranking
from imports.models import ImportBatch, Reconciliation
from imports.planner import read_plan
from imports.reconcile import list_label, previous_as_of, reconcile
from imports.reports import reconciliation_rows
from imports.services import import_apply, import_preview
from jobs import files
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register
from jobs.services import JobRefused, job_owner, job_publish, job_start

# Files up to this size are checked in the request (about 2,000 rows of a P3KE sheet); larger ones, and the
# apply of a batch with more rows than INLINE_ROWS, in the background.
INLINE_BYTES = 256 * 1024
INLINE_ROWS = 2_000


def preview_start(
    *, owner: User, file_name: str, data: bytes, source: str, list_kind: str, as_of: datetime.date
) -> Job:
    """Keep the upload under JOBS_ROOT (never a public URL) and check it in the background."""
    upload = f"upload-{secrets.token_urlsafe(12)}"
    (files.root() / "tmp" / upload).write_bytes(data)
    title = _("Pratinjau impor: %(name)s") % {"name": file_name}
    return job_start(
        owner=owner,
        kind="import_preview",
        title=title,
        params={
            "upload": upload,
            "file_name": file_name,
            "source": source,
            "list_kind": list_kind,
            "as_of": as_of.isoformat(),
        },
    )


def preview_run(job: Job, progress: Progress) -> None:
    upload = files.root() / "tmp" / job.params["upload"]
    if not upload.is_file():
        raise JobRefused(_("Berkas unggahan sudah tidak ada. Unggah lagi."))
    data = upload.read_bytes()
    list_kind, as_of = job.params["list_kind"], datetime.date.fromisoformat(job.params["as_of"])
    # "N rows read" on the job's page
    plan = read_plan(job.params["file_name"], data, list_kind=list_kind, on_rows=progress.advance)
    batch = import_preview(
        file_name=job.params["file_name"],
        data=data,
        source=job.params["source"],
        list_kind=list_kind,
        as_of=as_of,
        user=job_owner(job),
        plan=plan,
    )
    upload.unlink()
    if batch.status == ImportBatch.Status.REJECTED:
        raise JobRefused(batch.message)
    _result(job, batch)


def apply_start(*, owner: User, batch: ImportBatch) -> Job:
    title = _("Impor: %(name)s") % {"name": batch.file_name}
    return job_start(owner=owner, kind="import_apply", title=title, params={"batch": batch.pk})


def apply_run(job: Job, progress: Progress) -> None:
    """All or nothing, as in the request: a job killed half-way has changed nothing and can be run again."""
    batch = ImportBatch.objects.defer("content", "plan").get(pk=job.params["batch"])  # import_apply reads them
    _result(job, import_apply(batch=batch, actor=job_owner(job)))


def _result(job: Job, batch: ImportBatch) -> None:
    job.result = {"url": reverse("imports:detail", args=[batch.pk]), "label": _("Buka hasil impor")}
    job.save(update_fields=["result"])


def reconcile_start(*, owner: User, source: str, as_of: datetime.date) -> Job:
    """Compute a list's reconciliation in the background (a list of a province is a million rankings)."""
    if not Ranking.objects.filter(source=source, as_of=as_of).exists():
        raise DomainError(_("Belum ada peringkat dari daftar %(list)s.") % {"list": list_label(source, as_of)})
    title = _("Rekonsiliasi daftar %(list)s") % {"list": list_label(source, as_of)}
    return job_start(
        owner=owner, kind="reconcile_list", title=title, params={"source": source, "as_of": as_of.isoformat()}
    )


def reconcile_run(job: Job, progress: Progress) -> None:
    owner = job_owner(job)
    if not has_perm(owner, ADD, Reconciliation):
        raise JobRefused(_("Akun ini tidak lagi berhak atas rekonsiliasi daftar."))
    source, as_of = job.params["source"], datetime.date.fromisoformat(job.params["as_of"])
    # Households read: this list, the previous one, and this list's against its imports' change log.
    ranked = Ranking.objects.filter(source=source, as_of=as_of).count()
    previous = previous_as_of(source, as_of)
    before = Ranking.objects.filter(source=source, as_of=previous).count() if previous else 0
    progress.set_total(2 * ranked + before)
    reconciliation = reconcile(source=source, as_of=as_of, actor=owner, step=progress.advance)
    job.result = {
        "url": reverse("imports:reconciliation", args=[reconciliation.pk]),
        "label": _("Buka hasil rekonsiliasi"),
    }
    job.save(update_fields=["result"])


def reconciliation_export_start(*, owner: User, reconciliation: Reconciliation) -> Job:
    title = _("Rekonsiliasi daftar %(list)s (XLSX)") % {"list": reconciliation}
    return job_start(
        owner=owner, kind="reconciliation_export", title=title, params={"reconciliation": reconciliation.pk}
    )


def reconciliation_export_run(job: Job, progress: Progress) -> None:
    """Every row of the list's reconciliation with its decision, as a workbook (cells formula-safe)."""
    owner = job_owner(job)
    if not has_perm(owner, VIEW, Reconciliation):
        raise JobRefused(_("Akun ini tidak lagi berhak atas unduhan ini."))
    reconciliation = Reconciliation.objects.get(pk=job.params["reconciliation"])
    progress.set_total(reconciliation.rows.count())
    with files.publishing(job, "xlsx") as (path, written):
        files.write_xlsx(path, reconciliation_rows(reconciliation), written, progress.advance, "Rekonsiliasi")
    name = f"rekonsiliasi-{reconciliation.source}-{reconciliation.as_of:%Y%m%d}"
    job_publish(job, written, stamped(name, "xlsx"))


register("import_preview", preview_run)
register("import_apply", apply_run)
register("reconcile_list", reconcile_run, unit=gettext_lazy("rumah tangga"))
register("reconciliation_export", reconciliation_export_run)
