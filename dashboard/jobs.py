"""The dashboard's background work: the check (every derived number against a recount from the case rows, the
same as `manage.py recount_dashboard --check`, started by a supervisor from the dashboard) and the repair (the
same as `manage.py recount_dashboard`, started by a supervisor from a failed check or by an admin)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.exports import append_row
from core.permissions import can_view
from dashboard import derived, quarterly
from dashboard.quarterly import Quarter
from dashboard.services import quarterly_report
from households.models import Ranking, RankingSource
from jobs import files
from jobs.models import Job
from jobs.progress import Progress
from jobs.registry import register
from jobs.services import job_publish, job_start

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


QUARTERLY = "quarterly_report"


def quarterly_start(*, owner: User, quarter: Quarter) -> Job:
    return job_start(
        owner=owner,
        kind=QUARTERLY,
        title=_("Laporan triwulan %(label)s") % {"label": quarter.label},
        params={"year": quarter.year, "quarter": quarter.number},
    )


def quarterly_run(job: Job, progress: Progress) -> None:
    """Make (or read the frozen) report, then write its workbook for download."""
    quarter = Quarter(int(job.params["year"]), int(job.params["quarter"]))
    report = quarterly_report(quarter=quarter, actor=job.owner, step=_stepper(progress))
    with files.publishing(job, "xlsx") as (path, written):
        workbook = Workbook(write_only=True)
        for title, rows in quarterly.workbook_rows(
            report.data, final=report.final, made_at=report.generated_at
        ).items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                append_row(sheet, row)
            written.rows += len(rows)
        workbook.save(path)
    job_publish(job, written, f"laporan-triwulan-{quarter.slug}.xlsx")
    job.result = {
        "ok": True,
        "message": (
            _("Laporan %(label)s dibekukan pada %(date)s: angka ini tidak berubah lagi.")
            if report.final
            else _("Laporan sementara %(label)s (triwulan belum berakhir), dibuat %(date)s.")
        )
        % {"label": quarter.label, "date": timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M")},
        "url": reverse("dashboard:quarterly_print", args=[quarter.year, quarter.number]),
        "label": _("Lihat cetak A4"),
    }
    job.save(update_fields=["result"])


register(QUARTERLY, quarterly_run, unit=gettext_lazy("rumah tangga"))


OFFICIAL_AT = "official_at"


def official_at_start(*, owner: User, day: datetime.date, source: str = "", as_of: datetime.date | None = None) -> Job:
    return job_start(
        owner=owner,
        kind=OFFICIAL_AT,
        title=_("Angka resmi per %(date)s") % {"date": day.strftime("%d/%m/%Y")},
        params={"day": day.isoformat(), "source": source, "as_of": as_of.isoformat() if as_of else ""},
    )


def official_at_run(job: Job, progress: Progress) -> None:
    """The official count at the end of a day, per kelurahan; with a national list, how it compares."""
    day = datetime.date.fromisoformat(job.params["day"])
    progress.set_total(1)
    official = quarterly.official_households_at(day)
    data = quarterly.official_at(day, official)
    lines = [
        _("%(kecamatan)s · %(kelurahan)s: %(persons)s jiwa, %(households)s rumah tangga")
        % {**row, "persons": row.get("persons", 0), "households": row.get("households", 0)}
        for row in data["places"]
    ]
    if job.params.get("source") and job.params.get("as_of"):
        source, as_of = job.params["source"], datetime.date.fromisoformat(job.params["as_of"])
        listed = set(Ranking.objects.filter(source=source, as_of=as_of, desil=1).values_list("household_id", flat=True))
        lines.insert(
            0,
            _(
                "Daftar %(list)s per %(as_of)s: %(n)s rumah tangga desil 1; %(both)s di antaranya miskin ekstrem resmi "
                "pada %(date)s, %(only)s rumah tangga miskin ekstrem resmi tidak desil 1 di daftar itu."
            )
            % {
                "list": RankingSource(source).label,
                "as_of": as_of.strftime("%d/%m/%Y"),
                "n": len(listed),
                "both": len(listed & official),
                "only": len(official - listed),
                "date": day.strftime("%d/%m/%Y"),
            },
        )
    progress.advance(1)
    job.result = {
        "ok": True,
        "message": _(
            "Angka resmi pada akhir %(date)s: %(persons)s jiwa miskin ekstrem dalam %(households)s rumah tangga."
        )
        % {"date": day.strftime("%d/%m/%Y"), "persons": data["persons"], "households": data["households"]},
        "lines": lines,
    }
    job.save(update_fields=["result"])


register(OFFICIAL_AT, official_at_run, unit=gettext_lazy("langkah"))
