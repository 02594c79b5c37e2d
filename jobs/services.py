"""Start, run, retry and clean up background jobs."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from jobs import files
from jobs.models import STALLED_AFTER, Job
from jobs.progress import Progress
from jobs.registry import KINDS

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class JobRefused(DomainError):
    """A job that cannot run as asked (the owner lost the right, the filters no longer hold): its message is
    what the user reads."""


def job_start(*, owner: User | None, kind: str, title: str, params: dict[str, Any]) -> Job:
    """Record the job and put it on the queue, in the caller's transaction: both or neither. `owner` None: work
    started on a schedule (cron, a command), which supervisors and admins oversee."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job.objects.create(owner=owner, kind=kind, title=title[:200], params=params)
    _enqueue(job)
    return job


def job_owner(job: Job) -> User:
    """The user a job acts for. Work started on a schedule has none, and may not do what needs one (an import,
    an export)."""
    if job.owner is None:
        raise JobRefused(_("Pekerjaan terjadwal ini tidak atas nama pengguna mana pun."))
    return job.owner


def _enqueue(job: Job) -> None:
    from jobs.tasks import run_job

    run_job.enqueue(job.pk)


def job_retry(job: Job) -> Job:
    """Start a failed or stopped job again from the beginning (its earlier partial work was never published)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not job.may_retry:
            raise DomainError(_("Pekerjaan ini tidak bisa diulang: ia belum gagal atau terhenti."))
        job.status, job.done, job.error, job.finished_at, job.heartbeat_at = Job.Status.QUEUED, 0, "", None, None
        job.save(update_fields=["status", "done", "error", "finished_at", "heartbeat_at"])
        _enqueue(job)
    return job


def job_run(job_id: int) -> None:
    """Run one job (called by the worker). Claims it (a queued job, or one whose worker went silent), runs its
    kind's handler, and records the outcome; a failure leaves no file and a message the owner can read."""
    now = timezone.now()
    stalled = Q(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
    claimed = Job.objects.filter(Q(status=Job.Status.QUEUED) | stalled, pk=job_id).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, done=0, attempts=F("attempts") + 1
    )
    if not claimed:  # already done, or taken by another worker
        return
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        KINDS[job.kind].handler(job, progress)
    except DomainError as refusal:
        _fail(job, str(refusal))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(
            job,
            _("Terjadi kesalahan tak terduga. Coba lagi; bila gagal lagi, hubungi admin (pekerjaan #%(id)s).")
            % {"id": job.pk},
        )
    else:
        progress.flush()
        Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now())


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message, finished_at=timezone.now())


def job_publish(job: Job, written: files.Written, file_name: str) -> None:
    """Record the finished file on the job: kept JOBS_KEEP_DAYS days."""
    job.file_path, job.file_name, job.file_size = written.file_path, file_name, written.size
    job.rows, job.sha256 = written.rows, written.sha256
    job.expires_at = timezone.now() + datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    job.save(update_fields=["file_path", "file_name", "file_size", "rows", "sha256", "expires_at"])


def jobs_prune() -> dict[str, int]:
    """Remove the files of expired jobs and what killed jobs left half-written. The job rows stay (who
    exported what, and when, is part of the record)."""
    root = files.root()
    expired = Job.objects.filter(expires_at__lte=timezone.now()).exclude(file_path="")
    removed = 0
    for job in expired.iterator():
        (root / job.file_path).unlink(missing_ok=True)
        removed += 1
    expired.update(file_path="")
    cutoff = timezone.now() - STALLED_AFTER
    parts = 0
    for part in (root / "tmp").glob("*.part"):
        if datetime.datetime.fromtimestamp(part.stat().st_mtime, tz=datetime.UTC) < cutoff:
            part.unlink(missing_ok=True)
            parts += 1
    return {"files": removed, "parts": parts}
