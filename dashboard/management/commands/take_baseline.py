from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dashboard.services import baseline_take


class Command(BaseCommand):
    help = "Simpan data dasar: siapa yang miskin ekstrem sekarang dan di mana (titik awal dasbor dan kohor)."

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True, help="Mis. 'P3KE Januari 2024'.")
        parser.add_argument("--user", help="Nama pengguna yang bertanggung jawab.")

    def handle(self, *args, label: str, user: str | None = None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Pengguna {user!r} tidak ada.")
        baseline = baseline_take(label=label, actor=actor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Data dasar '{baseline.label}': {baseline.persons} jiwa, {baseline.households} rumah tangga."
            )
        )
