"""The daily reminders run on the real queue: cron's `manage.py send_reminders` puts them there, a worker
builds and emails each OPD's digest, and the job's page (for supervisors and admins: cron is nobody) says what
went where. The worker runs in this process, so Django's test mailbox sees what it sends."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coordination.models import Referral
from coordination.services import assessment_record
from households.services import visit_log
from jobs.models import Job
from tests.factories import HouseholdFactory, PersonFactory, opd
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def overdue(dinsos_caseworker, disnaker_caseworker):
    """Two referrals long overdue (Disnaker's and Disdukcapil's) and a Disnaker follow-up two days late."""
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


def test_cron_queues_the_reminders_and_the_worker_sends_them(overdue, client_as):
    out = io.StringIO()
    call_command("send_reminders", "--base-url", "https://kemiskinan.example/", stdout=out)
    job = Job.objects.get(kind="send_reminders")
    assert job.owner is None and job.status == Job.Status.QUEUED
    assert reverse("jobs:detail", args=[job.pk]) in out.getvalue()
    assert mail.outbox == []  # queued, not sent

    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    (message,) = mail.outbox  # Disdukcapil has overdue work too, but no user with an email address
    assert message.to == ["cw_disnaker@contoh.go.id"]
    assert "1 rujukan dan 1 tindak lanjut terlambat" in message.subject
    referral = Referral.objects.get(opd=opd("Disnaker"))
    assert f"https://kemiskinan.example{reverse('coordination:referral', args=[referral.pk])}" in message.body
    assert job.result["sent"] == 1 and job.done == job.total > 0  # a step per active OPD
    assert job.result["lines"] == [
        "Disdukcapil: 1 rujukan, 0 tindak lanjut, 0 penerima",
        "Disnaker: 1 rujukan, 1 tindak lanjut, 1 penerima",
    ]

    page = client_as("supervisor").get(reverse("jobs:detail", args=[job.pk])).text
    assert "1 email pengingat terkirim" in page and "Disnaker: 1 rujukan, 1 tindak lanjut, 1 penerima" in page
    assert "dijadwalkan (cron)" in page
    assert client_as("admin").get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert client_as("disnaker_caseworker").get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert "Pengingat harian" in client_as("supervisor").get(reverse("jobs:list") + "?semua=1").text


def test_a_dry_run_prints_inline_and_queues_and_sends_nothing(overdue):
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Disnaker: 1 rujukan, 1 tindak lanjut, 1 penerima" in out.getvalue()
    assert "Dry run: 1 email tidak dikirim." in out.getvalue()
    run_worker()
    assert mail.outbox == [] and not Job.objects.exists()
