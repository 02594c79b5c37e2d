"""Check or repair every number derived from the case rows (registry summaries, served flags, dashboard tallies).

python manage.py recount_dashboard           # put the repair on the queue (a worker runs it); prints its page
python manage.py recount_dashboard --now     # repair here and now, with progress (no worker needed)
python manage.py recount_dashboard --check   # compare only; exits 1 on any difference
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from dashboard import derived
from dashboard.jobs import LAYER_LABELS, recount_start


class Command(BaseCommand):
    help = (
        "Periksa (--check) atau hitung ulang dan perbaiki semua angka turunan dari data kasus: kolom ringkasan "
        "registri, tanda 'terlayani', dan hitungan dasbor. Tanpa pilihan: perbaikan masuk antrean pekerjaan "
        "latar belakang. --now: perbaiki langsung di sini. --check: tidak ada yang diubah; keluar dengan kode "
        "bukan nol bila ada yang tidak cocok."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--check", action="store_true", help="Hanya periksa, jangan ubah apa pun.")
        mode.add_argument(
            "--now", action="store_true", help="Perbaiki langsung di proses ini (tanpa pekerja latar belakang)."
        )

    def handle(self, *args, check: bool = False, now: bool = False, **options):
        if check:
            self._check()
        elif now:
            self._repair()
        else:
            job, new = recount_start(owner=None)
            state = "masuk antrean" if new else "sudah dalam antrean"
            self.stdout.write(
                f"Hitung ulang angka dasbor {state}: pekerjaan #{job.pk}, {reverse('jobs:detail', args=[job.pk])}"
            )

    def _check(self) -> None:
        started = time.perf_counter()
        report = derived.check()
        seconds = time.perf_counter() - started
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Semua angka turunan cocok dengan data kasus ({report.households} rumah tangga, "
                    f"{seconds:.0f} detik)."
                )
            )
            return
        self._differences(report)
        raise CommandError(
            "Angka turunan tidak cocok dengan data kasus. Jalankan perintah ini tanpa --check untuk "
            "memperbaikinya, lalu cari jalur tulis yang melewatinya."
        )

    def _differences(self, report: derived.Report) -> None:
        for layer, count in report.counts.items():
            if count:
                self.stdout.write(f"- {LAYER_LABELS[layer]}: {count} tidak cocok, contoh:")
                for example in getattr(report, layer):
                    self.stdout.write(f"    {example}")

    def _repair(self) -> None:
        started = time.perf_counter()
        shown = -1

        def progress(done: int, total: int) -> None:
            nonlocal shown
            percent = done * 100 // total if total else 100
            if percent // 10 > shown // 10:  # a line per tenth
                shown = percent
                phase = "memperbaiki" if done <= total // 2 else "memeriksa ulang"
                self.stdout.write(f"{percent:3d}% ({phase})")

        repaired = derived.repair(progress)
        for layer, count in repaired.counts.items():
            self.stdout.write(f"- {LAYER_LABELS[layer]}: {count} diperbaiki")
        seconds = time.perf_counter() - started
        if not repaired.ok:
            self._differences(repaired.check)
            raise CommandError("Setelah perbaikan, pemeriksaan ulang masih menemukan angka yang tidak cocok.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Angka turunan diperbaiki dan diperiksa ulang dari {repaired.households} rumah tangga dalam "
                f"{seconds:.0f} detik: semua cocok."
            )
        )
