"""Daily digest (run from cron): each OPD's overdue referrals and follow-ups, emailed to its users.

python manage.py send_reminders            # e.g. 06:00 every day: 0 6 * * * cd /srv/poverty && ...
python manage.py send_reminders --dry-run  # print what would be sent
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Opd, User
from coordination.models import Referral
from households.models import Visit


def digest_for(opd: Opd, today) -> tuple[list[Referral], list[Visit]]:
    referrals = list(
        Referral.objects.overdue(today)
        .filter(opd=opd)
        .select_related("household__kelurahan", "person")
        .order_by("due_on")
    )
    later_visit = Visit.objects.filter(household=OuterRef("household"), visited_on__gt=OuterRef("visited_on"))
    follow_ups = list(
        Visit.objects.filter(caseworker__opd=opd, next_follow_up_on__lt=today)
        .exclude(Exists(later_visit))
        .select_related("household__kelurahan", "caseworker")
        .order_by("next_follow_up_on")
    )
    return referrals, follow_ups


def render_digest(opd: Opd, referrals, follow_ups, base_url: str) -> str:
    lines = [_("Pengingat harian untuk %(opd)s") % {"opd": opd.name}, ""]
    if referrals:
        lines.append(_("Rujukan terlambat (%(n)d):") % {"n": len(referrals)})
        for referral in referrals[:50]:
            lines.append(
                f"- {referral.get_need_display()} · #{referral.household_id} {referral.household.kelurahan.name} · "
                + _("batas %(date)s") % {"date": referral.due_on.strftime("%d/%m/%Y")}
                + f" · {base_url}{reverse('coordination:referral', args=[referral.pk])}"
            )
        lines.append("")
    if follow_ups:
        lines.append(_("Tindak lanjut kunjungan terlambat (%(n)d):") % {"n": len(follow_ups)})
        for visit in follow_ups[:50]:
            lines.append(
                f"- #{visit.household_id} {visit.household.kelurahan.name} · {visit.caseworker} · "
                + _("jadwal %(date)s") % {"date": visit.next_follow_up_on.strftime("%d/%m/%Y")}
                + f" · {base_url}{reverse('cases:detail', args=[visit.household_id])}"
            )
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Kirim ringkasan harian rujukan dan tindak lanjut yang terlambat ke pengguna setiap OPD (jalankan dari cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan ringkasan tanpa mengirim email.")
        parser.add_argument(
            "--base-url", default="", help="Alamat aplikasi untuk tautan, mis. https://kemiskinan.palangkaraya.go.id"
        )

    def handle(self, *args, dry_run: bool = False, base_url: str = "", **options):
        today = timezone.localdate()
        messages, summary = [], []
        with override(settings.LANGUAGE_CODE):
            for opd in Opd.objects.filter(is_active=True).order_by("short_name"):
                referrals, follow_ups = digest_for(opd, today)
                if not referrals and not follow_ups:
                    continue
                recipients = list(
                    User.objects.filter(opd=opd, is_active=True).exclude(email="").values_list("email", flat=True)
                )
                counts = f"{len(referrals)} rujukan, {len(follow_ups)} tindak lanjut, {len(recipients)} penerima"
                summary.append(f"{opd.short_name}: {counts}")
                if not recipients:
                    continue
                subject = _("[Kemiskinan Ekstrem] %(opd)s: %(r)d rujukan dan %(f)d tindak lanjut terlambat") % {
                    "opd": opd.short_name,
                    "r": len(referrals),
                    "f": len(follow_ups),
                }
                body = render_digest(opd, referrals, follow_ups, base_url.rstrip("/"))
                messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
        for line in summary:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"Dry run: {len(messages)} email tidak dikirim.")
            return
        sent = send_mass_mail(messages, fail_silently=False)
        self.stdout.write(self.style.SUCCESS(f"{sent} email terkirim."))
