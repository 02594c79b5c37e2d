"""The dashboard's background work: the check (every derived number against a recount from the case rows, the
same as `manage.py recount_dashboard --check`, started by a supervisor from the dashboard) and the repair (the
same as `manage.py recount_dashboard`, started by a supervisor from a failed check or by an admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import can_view
from dashboard import derived
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register
from jobs.services import job_start

if TYPE_CHECKING:
    from accounts.models import User

RECOUNT = "dashboard_recount"

# What each stored layer is called (`derived.LAYERS`), in the job's result and on the command line.
LAYER_LABELS = {
    "summaries": gettext_lazy("nilai kolom ringkasan rumah tangga"),
    "served": gettext_lazy("tanda 'terlayani' anggota"),
    "ledgers": gettext_lazy("buku hitung rumah tangga"),
    "tallies": gettext_lazy("baris hitungan dasbor"),
}


def _stepper(progress: Progress) -> Callable[[int, int], None]:
    """The (done, total) callback `derived` reports to, written to the job's progress."""

    def step(done: int, total: int) -> None:
        if progress.total != total:
            progress.set_total(total)
        progress.advance(done - progress.done)

    return step


def check_run(job: Job, progress: Progress) -> None:
    report = derived.verify(_stepper(progress))  # holds while people work (check() would see their writes half-way)
    progress.advance(report.households - progress.done)
    result = {"ok": report.ok, "counts": report.counts, "households": report.households}
    if report.ok:
        result["message"] = _(
            "Semua angka dasbor cocok dengan hitungan ulang dari data kasus (%(n)s rumah tangga)."
        ) % {"n": report.households}
    else:
        result["message"] = _(
            "%(n)s angka turunan TIDAK cocok dengan data kasus. Perbaiki dengan menghitung ulang dari data kasus "
            "(tombol di bawah; atau `manage.py recount_dashboard` di server)."
        ) % {"n": sum(report.counts.values())}
        result["action"] = reverse("dashboard:recount")
        result["action_label"] = _("Hitung ulang dan perbaiki")
    job.result = result
    job.save(update_fields=["result"])


def recount_start(*, owner: User | None) -> tuple[Job, bool]:
    """Put the repair on the queue, unless one is already waiting or running (the same work twice gains
    nothing). Returns the job, and whether it is new."""
    waiting = Job.objects.filter(kind=RECOUNT, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).order_by("-id")
    for job in waiting:
        if job.is_active and (owner is None or can_view(owner, job)):
            return job, False
    return job_start(owner=owner, kind=RECOUNT, title=_("Hitung ulang angka dasbor"), params={}), True


def repaired_message(repaired: derived.Repaired) -> str:
    """What a repair did, per layer, and what the check after it found."""
    fixed = [f"{count} {LAYER_LABELS[layer]}" for layer, count in repaired.counts.items() if count]
    if fixed:
        done = _("Diperbaiki dari data kasus (%(n)s rumah tangga): %(fixed)s.") % {
            "n": repaired.households,
            "fixed": ", ".join(fixed),
        }
    else:
        done = _("Tidak ada yang perlu diperbaiki (%(n)s rumah tangga).") % {"n": repaired.households}
    if repaired.ok:
        return done + " " + _("Pemeriksaan ulang: semua angka dasbor cocok dengan data kasus.")
    return (
        done
        + " "
        + _(
            "Pemeriksaan ulang: %(n)s angka masih TIDAK cocok. Pemeriksaan bisa keliru bila data kasus sedang "
            "diubah saat itu: periksa sekali lagi; bila tetap, hubungi pengembang."
        )
        % {"n": sum(repaired.check.counts.values())}
    )


def recount_run(job: Job, progress: Progress) -> None:
    repaired = derived.repair(_stepper(progress))
    job.result = {
        "ok": repaired.ok,
        "message": repaired_message(repaired),
        "repaired": repaired.counts,
        "households": repaired.households,
        "counts": repaired.check.counts,
    }
    job.save(update_fields=["result"])


register("dashboard_check", check_run, unit=gettext_lazy("rumah tangga"))
register(RECOUNT, recount_run, unit=gettext_lazy("langkah"))  # households repaired, then checked
