from django.core.management.base import BaseCommand

from jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Hapus berkas unduhan yang sudah kedaluwarsa dan sisa pekerjaan yang terhenti (jalankan tiap hari)."

    def handle(self, *args, **options):
        removed = jobs_prune()
        self.stdout.write(f"{removed['files']} berkas kedaluwarsa dan {removed['parts']} berkas setengah jadi dihapus.")
