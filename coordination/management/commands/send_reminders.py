"""Daily digest (run from cron): each OPD's overdue referrals and follow-ups, emailed to its users.

python manage.py send_reminders            # e.g. 06:00 every day: 0 6 * * * cd /srv/poverty && ...
                                           # puts the job on the queue; a worker (`db_worker`) sends the mails
python manage.py send_reminders --now      # build and send here and now (no worker needed)
python manage.py send_reminders --dry-run  # print what would be sent, send nothing
"""

from django.core.management.base import BaseCommand
from django.urls import reverse

from coordination.jobs import reminders_start
from coordination.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Kirim ringkasan harian rujukan dan tindak lanjut yang terlambat ke pengguna setiap OPD (jalankan dari cron). "
        "Tanpa pilihan: masuk antrean pekerjaan latar belakang; --now: kirim langsung; --dry-run: hanya tampilkan."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--now", action="store_true", help="Kirim langsung di proses ini (tanpa pekerja latar).")
        mode.add_argument("--dry-run", action="store_true", help="Tampilkan ringkasan tanpa mengirim email.")
        parser.add_argument(
            "--base-url", default="", help="Alamat aplikasi untuk tautan, mis. https://kemiskinan.palangkaraya.go.id"
        )

    def handle(self, *args, now: bool = False, dry_run: bool = False, base_url: str = "", **options):
        if not now and not dry_run:
            job = reminders_start(base_url=base_url)
            self.stdout.write(
                f"Pengingat harian masuk antrean: pekerjaan #{job.pk}, {reverse('jobs:detail', args=[job.pk])}"
            )
            return
        digests = reminders_send(base_url=base_url, dry_run=dry_run)
        for line in digests.lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"Dry run: {digests.emails} email tidak dikirim.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{digests.sent} email terkirim."))
