import time

from django.core.management.base import BaseCommand, CommandError

from dashboard import derived

LABELS = {
    "summaries": "kolom ringkasan rumah tangga",
    "served": "tanda 'terlayani' anggota",
    "ledgers": "buku hitung rumah tangga",
    "tallies": "baris hitungan dasbor",
}


class Command(BaseCommand):
    help = (
        "Periksa (--check) atau hitung ulang semua angka turunan dari data kasus: kolom ringkasan registri, "
        "tanda 'terlayani', dan hitungan dasbor. Dengan --check tidak ada yang diubah; keluar dengan kode "
        "bukan nol bila ada yang tidak cocok."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Hanya periksa, jangan ubah apa pun.")

    def handle(self, *args, check: bool = False, **options):
        started = time.perf_counter()
        if check:
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
            for layer, count in report.counts.items():
                if count:
                    self.stdout.write(f"- {LABELS[layer]}: {count} tidak cocok, contoh:")
                    for example in getattr(report, layer):
                        self.stdout.write(f"    {example}")
            raise CommandError(
                "Angka turunan tidak cocok dengan data kasus. Jalankan perintah ini tanpa --check untuk "
                "menghitung ulang, lalu cari jalur tulis yang melewatinya."
            )
        counted = derived.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Angka turunan dihitung ulang dari {counted} rumah tangga dalam {seconds:.0f} detik.")
        )
