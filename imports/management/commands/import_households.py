import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Role
from core.errors import DomainError
from core.identity import mask_numbers_in
from households.models import RankingSource
from imports.models import ImportBatch
from imports.planner import read_plan
from imports.services import import_apply, import_preview


class Command(BaseCommand):
    help = (
        "Impor daftar DTSEN/P3KE/DTKS (.xlsx atau .csv). Dengan --dry-run hanya menampilkan apa yang akan berubah. "
        "Sama dengan halaman unggah: kolom, pembersihan, dan laporan baris bermasalah."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Nama pengguna admin yang bertanggung jawab atas impor ini.")
        parser.add_argument("--source", default="", help="Sumber data, mis. 'P3KE Januari 2024'.")
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan hasil tanpa menyimpan apa pun.")
        parser.add_argument(
            "--list",
            dest="list_kind",
            choices=RankingSource.values,
            required=True,
            help="Jenis daftar: kolom desil disimpan sebagai peringkat daftar ini.",
        )
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, required=True, help="Tanggal data daftar, YYYY-MM-DD."
        )

    def handle(self, *args, file: Path, user: str, source: str, dry_run: bool, list_kind: str, as_of, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None or actor.role != Role.ADMIN:
            raise CommandError(f"Pengguna {user!r} tidak ada atau bukan admin.")
        if not file.exists():
            raise CommandError(f"Berkas {file} tidak ditemukan.")
        if file.stat().st_size > settings.IMPORT_MAX_BYTES:
            raise CommandError(
                f"Berkas terlalu besar ({file.stat().st_size:,} byte); batasnya {settings.IMPORT_MAX_BYTES:,} byte."
            )
        if as_of > timezone.localdate():
            raise CommandError("Tanggal daftar tidak boleh di masa depan.")
        data = file.read_bytes()
        plan = read_plan(file.name, data, list_kind=list_kind)  # matched with the database by import_preview
        batch = import_preview(
            file_name=file.name,
            data=data,
            source=source or "command",
            user=actor,
            list_kind=list_kind,
            as_of=as_of,
            plan=plan,
        )
        if batch.status == ImportBatch.Status.REJECTED:
            raise CommandError(batch.message)
        self._report(batch, "Pratinjau" if dry_run else "Rencana")
        if dry_run:
            self.stdout.write(
                f"Dry run: tidak ada data yang diubah (impor #{batch.pk}, dapat dikonfirmasi di aplikasi)."
            )
            return
        try:
            batch = import_apply(batch=batch, actor=actor, plan=plan)
        except DomainError as error:
            raise CommandError(str(error)) from error
        self._report(batch, "Diimpor")
        self.stdout.write(self.style.SUCCESS(f"Impor #{batch.pk} selesai."))

    def _report(self, batch: ImportBatch, title: str) -> None:
        s = batch.summary
        households, persons = s["households"], s["persons"]
        self.stdout.write(
            f"{title}: {s['rows']} baris; rumah tangga baru {households['new']}, diperbarui {households['updated']}, "
            f"tetap {households['unchanged']}, dilewati {households['skipped']}; anggota baru {persons['new']}, "
            f"diperbarui {persons['updated']}, tetap {persons['unchanged']}, dilewati {persons['skipped']}; "
            f"baris bermasalah {s['error_rows']}."
        )
        if s.get("unknown_columns"):
            self.stdout.write("Kolom diabaikan: " + ", ".join(s["unknown_columns"]))
        for entry in batch.errors[:50]:
            problems = mask_numbers_in("; ".join(f"{c}: {m}" if c else m for c, m in entry["problems"]))
            self.stdout.write(f"  baris {entry['row']}: {problems}")
        if len(batch.errors) > 50:
            self.stdout.write(f"  … dan {len(batch.errors) - 50} baris lain (lihat laporan di aplikasi).")
