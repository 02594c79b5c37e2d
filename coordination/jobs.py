"""The daily reminders as a background job: cron puts it on the queue (`manage.py send_reminders`), a worker
builds and emails each OPD's digest, and the job's page shows what went to whom."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.reminders import reminders_send
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register
from jobs.services import job_start

REMINDERS = "send_reminders"


def reminders_start(*, base_url: str = "") -> Job:
    """Queue today's digests: started on a schedule, so the job has no owner (supervisors and admins see it)."""
    return job_start(owner=None, kind=REMINDERS, title=_("Pengingat harian"), params={"base_url": base_url})


def reminders_run(job: Job, progress: Progress) -> None:
    def step(done: int, total: int) -> None:
        if progress.total != total:
            progress.set_total(total)
        progress.advance(done - progress.done)

    digests = reminders_send(base_url=job.params.get("base_url", ""), progress=step)
    message = _("%(n)d email pengingat terkirim.") % {"n": digests.sent}
    if not digests.lines:
        message = _("Tidak ada rujukan atau tindak lanjut yang terlambat: tidak ada email dikirim.")
    job.result = {"message": message, "lines": digests.lines, "sent": digests.sent}
    job.save(update_fields=["result"])


register(REMINDERS, reminders_run, unit=gettext_lazy("OPD"))
