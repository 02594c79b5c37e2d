"""The daily digest: each OPD's overdue referrals and follow-ups, emailed to its users. Run by the
`send_reminders` job (cron puts it on the queue) or inline by `manage.py send_reminders --now / --dry-run`."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Opd, User
from coordination.models import Referral
from households.models import Visit


@dataclass
class Digests:
    """What a run found and did: a line per OPD with overdue work, and the emails sent (or that would be)."""

    lines: list[str] = field(default_factory=list)
    emails: int = 0
    sent: int = 0


def digest_for(opd: Opd, today: datetime.date) -> tuple[list[Referral], list[Visit]]:
    referrals = list(
        Referral.objects.overdue(today)
        .filter(opd=opd)
        .select_related("household__kelurahan", "person")
        .order_by("due_on")
    )
    # A follow-up is still open while no visit to the household came later: the visit is of the household's
    # latest visit day, which its summary column keeps exact (`dashboard.derived`: the latest `visited_on`).
    # Two visits on that day both count, as they did when this asked for "no later visit" row by row.
    follow_ups = list(
        Visit.objects.filter(caseworker__opd=opd, next_follow_up_on__lt=today, visited_on=F("household__last_visit_on"))
        .select_related("household__kelurahan", "caseworker")
        .order_by("next_follow_up_on")
    )
    return referrals, follow_ups


def render_digest(opd: Opd, referrals: list[Referral], follow_ups: list[Visit], base_url: str) -> str:
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
            assert visit.next_follow_up_on is not None  # filtered on above
            lines.append(
                f"- #{visit.household_id} {visit.household.kelurahan.name} · {visit.caseworker} · "
                + _("jadwal %(date)s") % {"date": visit.next_follow_up_on.strftime("%d/%m/%Y")}
                + f" · {base_url}{reverse('cases:detail', args=[visit.household_id])}"
            )
    return "\n".join(lines)


def reminders_send(
    *, base_url: str = "", dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> Digests:
    """Build each active OPD's digest (one progress step per OPD) and email it to the OPD's active users with an
    address; with `dry_run`, only say what would be sent."""
    today = timezone.localdate()
    opds = list(Opd.objects.filter(is_active=True).order_by("short_name"))
    digests = Digests()
    messages = []
    with override(settings.LANGUAGE_CODE):
        for done, opd in enumerate(opds):
            if progress is not None:
                progress(done, len(opds))
            referrals, follow_ups = digest_for(opd, today)
            if not referrals and not follow_ups:
                continue
            recipients = list(
                User.objects.filter(opd=opd, is_active=True).exclude(email="").values_list("email", flat=True)
            )
            digests.lines.append(
                _("%(opd)s: %(r)d rujukan, %(f)d tindak lanjut, %(n)d penerima")
                % {"opd": opd.short_name, "r": len(referrals), "f": len(follow_ups), "n": len(recipients)}
            )
            if not recipients:
                continue
            subject = _("[Kemiskinan Ekstrem] %(opd)s: %(r)d rujukan dan %(f)d tindak lanjut terlambat") % {
                "opd": opd.short_name,
                "r": len(referrals),
                "f": len(follow_ups),
            }
            body = render_digest(opd, referrals, follow_ups, base_url.rstrip("/"))
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
    digests.emails = len(messages)
    if not dry_run:
        digests.sent = send_mass_mail(messages, fail_silently=False)
    if progress is not None:
        progress(len(opds), len(opds))
    return digests
