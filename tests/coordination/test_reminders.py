import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.utils import timezone

from coordination.reminders import digest_for
from coordination.services import assessment_record
from households.models import Visit
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
    call_command("send_reminders", "--now", stdout=out)
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
    call_command("send_reminders", "--now", stdout=io.StringIO())
    assert mail.outbox == []
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Dry run: 0 email" in out.getvalue()


def test_a_follow_up_stays_open_until_a_later_visit_as_the_row_by_row_question_says(
    dinsos_caseworker, disnaker_caseworker
):
    """The digest finds open follow-ups from the household's stored latest visit day; the answer is the one
    the old row-by-row question ("no later visit to the household") gave, same-day visits included."""
    today = timezone.localdate()

    def day(n):
        return today - datetime.timedelta(days=n)

    def visit(household, who, visited, follow_up, findings=""):
        return visit_log(
            household=household,
            caseworker=who,
            purpose="monitoring",
            visited_on=day(visited),
            next_follow_up_on=day(follow_up) if follow_up is not None else None,
            findings=findings,
        )

    revisited, same_day, cleared, later_by_other = (
        HouseholdFactory(),
        HouseholdFactory(),
        HouseholdFactory(),
        HouseholdFactory(),
    )
    visit(revisited, disnaker_caseworker, 20, 5)  # superseded by the next visit
    open_again = visit(revisited, disnaker_caseworker, 10, 2)
    open_same_day = visit(same_day, disnaker_caseworker, 10, 3)
    visit(same_day, dinsos_caseworker, 10, None, "Tanpa jadwal")  # the household's latest row: no follow-up
    visit(cleared, disnaker_caseworker, 10, 3)
    visit(cleared, disnaker_caseworker, 4, None, "Sudah ditindaklanjuti")
    visit(later_by_other, disnaker_caseworker, 10, 3)
    visit(later_by_other, dinsos_caseworker, 6, 1)  # Dinsos's own follow-up, still open
    same_day.refresh_from_db()
    assert same_day.next_follow_up_on is None  # so the summary's follow-up column alone would miss it

    later = Visit.objects.filter(household=OuterRef("household"), visited_on__gt=OuterRef("visited_on"))
    for office in (opd("Disnaker"), opd("Dinsos")):
        row_by_row = Visit.objects.filter(caseworker__opd=office, next_follow_up_on__lt=today).exclude(Exists(later))
        assert {v.pk for v in digest_for(office, today)[1]} == set(row_by_row.values_list("pk", flat=True))
    assert {v.pk for v in digest_for(opd("Disnaker"), today)[1]} == {open_again.pk, open_same_day.pk}
    assert len(digest_for(opd("Dinsos"), today)[1]) == 1
