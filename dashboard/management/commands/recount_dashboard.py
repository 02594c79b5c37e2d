import time

from django.core.management.base import BaseCommand

from dashboard import tallies


class Command(BaseCommand):
    help = (
        "Hitung ulang angka dasbor (tallies) dari data kasus, atau periksa saja dengan --check. "
        "Layanan aplikasi menjaga angka ini tetap tepat; perintah ini untuk setelah impor massal atau perbaikan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Hanya periksa, jangan ubah apa pun.")

    def handle(self, *args, check: bool = False, **options):
        started = time.perf_counter()
        if check:
            households, rows = tallies.differences(), tallies.tally_differences()
            if households or rows:
                self.stdout.write(
                    self.style.ERROR(
                        f"Angka dasbor tidak cocok: {len(households)} rumah tangga, {len(rows)} baris hitungan. "
                        "Jalankan perintah ini tanpa --check untuk menghitung ulang."
                    )
                )
            else:
                self.stdout.write(self.style.SUCCESS("Angka dasbor cocok dengan data kasus."))
            return
        counted = tallies.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Angka dasbor dihitung ulang dari {counted} rumah tangga dalam {seconds:.0f} detik.")
        )
