import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coordination.services import assessment_record
from households.services import visit_log
from tests.factories import HouseholdFactory, PersonFactory, UserFactory, opd

pytestmark = pytest.mark.django_db


def test_each_opd_with_overdue_work_gets_one_digest_for_its_users(dinsos_caseworker, disnaker_caseworker):
    today = timezone.localdate()
    head = PersonFactory()
    assessment_record(
        household=head.household,
        actor=dinsos_caseworker,
        needs=[("no_work", head, ""), ("no_documents", head, "")],
        assessed_on=today - datetime.timedelta(days=200),
    )
    visit_log(
        household=HouseholdFactory(),
        caseworker=disnaker_caseworker,
        purpose="monitoring",
        visited_on=today - datetime.timedelta(days=20),
        next_follow_up_on=today - datetime.timedelta(days=2),
    )
    UserFactory(opd=opd("Disnaker"), email="kedua@disnaker.go.id")
    UserFactory(opd=opd("Disnaker"), email="nonaktif@disnaker.go.id", is_active=False)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    by_subject = {message.subject: message for message in mail.outbox}
    assert len(mail.outbox) == 1  # Disdukcapil also has overdue work, but no user with an email address
    disnaker = next(m for s, m in by_subject.items() if "Disnaker" in s)
    assert sorted(disnaker.to) == ["cw_disnaker@contoh.go.id", "kedua@disnaker.go.id"]
    assert "1 rujukan dan 1 tindak lanjut terlambat" in disnaker.subject
    assert "Usia kerja tanpa pekerjaan/penghasilan" in disnaker.body
    assert "Disdukcapil: 1 rujukan, 0 tindak lanjut, 0 penerima" in out.getvalue()


def test_nothing_overdue_sends_nothing_and_dry_run_sends_nothing(dinsos_caseworker):
    head = PersonFactory()
    assessment_record(household=head.household, actor=dinsos_caseworker, needs=[("no_work", head, "")])
    call_command("send_reminders", stdout=io.StringIO())
    assert mail.outbox == []
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Dry run: 0 email" in out.getvalue()
