"""Long work done in the background: one row per export, import step, recount or report someone started.

The queue itself is django-tasks' database backend (`django_tasks_db`); this row is what the user sees: its
progress (done of total), its state, and the finished file (kept under JOBS_ROOT, never under a public URL)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running job writes a heartbeat with its progress; one silent for this long was killed (worker stopped,
# machine restarted) and may be started again.
STALLED_AFTER = datetime.timedelta(minutes=2)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang dikerjakan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    # None for work started on a schedule (cron, `manage.py`): supervisors and admins oversee it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.PROTECT,
        related_name="jobs",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("jenis"), max_length=40)
    title = models.CharField(_("judul"), max_length=200)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveBigIntegerField(_("selesai"), default=0)
    total = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("kabar terakhir"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # What the user reads when it failed (never a traceback); the traceback goes to the log.
    error = models.TextField(_("pesan kesalahan"), blank=True)
    # The finished file: its name under JOBS_ROOT, what the download is called, and what proves it whole.
    file_path = models.CharField(_("berkas"), max_length=200, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("ukuran berkas"), null=True, blank=True)
    rows = models.PositiveBigIntegerField(_("baris data"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("disimpan sampai"), null=True, blank=True)
    # A short result for jobs without a file (a recount's report, an import's summary).
    result = models.JSONField(_("hasil"), default=dict, blank=True)

    class Meta:
        verbose_name = _("pekerjaan latar belakang")
        verbose_name_plural = _("pekerjaan latar belakang")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="jobs_owner_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="jobs_created_idx"),
            models.Index(fields=["expires_at"], name="jobs_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (#{self.pk})"

    @property
    def owner_label(self) -> str:
        """Who started it, as the job's page and list say it."""
        return str(self.owner) if self.owner_id is not None else str(_("dijadwalkan (cron)"))

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has been silent too long: it was stopped and can be started again."""
        beat = self.heartbeat_at or self.started_at
        return self.status == self.Status.RUNNING and beat is not None and timezone.now() - beat > STALLED_AFTER

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.is_stalled

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def may_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stalled

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file_path) and not self.is_expired

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    @property
    def seconds_left(self) -> int | None:
        """Time left at the pace so far, once there is a pace to go by."""
        if self.status != self.Status.RUNNING or not self.total or not self.done or self.started_at is None:
            return None
        elapsed = ((self.heartbeat_at or timezone.now()) - self.started_at).total_seconds()
        return max(0, round(elapsed / self.done * (self.total - self.done)))

    @property
    def unit(self) -> str:
        """What its progress counts (rows, households, steps), as its kind registered it."""
        from jobs.registry import KINDS

        kind = KINDS.get(self.kind)
        return str(kind.unit) if kind is not None else str(_("baris"))

    @property
    def status_label(self) -> str:
        return str(_("Terhenti")) if self.is_stalled else self.get_status_display()

    @property
    def status_class(self) -> str:
        if self.is_stalled:
            return "badge text-bg-warning"
        return {
            self.Status.QUEUED: "badge text-bg-secondary",
            self.Status.RUNNING: "badge text-bg-primary",
            self.Status.DONE: "badge text-bg-success",
            self.Status.FAILED: "badge text-bg-danger",
        }[self.Status(self.status)]
