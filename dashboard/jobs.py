"""The dashboard's own check as a background job: every derived number against a recount from the case rows
(the same check as `manage.py recount_dashboard --check`), started by a supervisor from the dashboard."""

from django.utils.translation import gettext as _

from dashboard import derived
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register


def check_run(job: Job, progress: Progress) -> None:
    def step(done: int, total: int) -> None:
        if progress.total != total:
            progress.set_total(total)
        progress.advance(done - progress.done)

    report = derived.check(step)
    progress.advance(report.households - progress.done)
    if report.ok:
        message = _("Semua angka dasbor cocok dengan hitungan ulang dari data kasus (%(n)s rumah tangga).") % {
            "n": report.households
        }
    else:
        message = _(
            "%(n)s angka turunan TIDAK cocok dengan data kasus. Minta admin menjalankan `manage.py "
            "recount_dashboard --check` untuk rinciannya, lalu tanpa --check untuk menghitung ulang."
        ) % {"n": sum(report.counts.values())}
    job.result = {"ok": report.ok, "message": message, "counts": report.counts, "households": report.households}
    job.save(update_fields=["result"])


register("dashboard_check", check_run)
