"""A big import file is checked and applied in the background by the real worker: the same outcome as in the
request, all or nothing, the owner led from the job to the batch."""

import pytest
from django.urls import reverse

from households.models import Household, Person
from imports import jobs as import_jobs
from imports.models import ImportBatch
from jobs import files
from jobs.models import Job
from tests.imports.helpers import row, spouse, upload, xlsx
from tests.imports.test_hostile_uploads import upload_through_page
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def everything_in_background(monkeypatch):
    monkeypatch.setattr(import_jobs, "INLINE_BYTES", 0)
    monkeypatch.setattr(import_jobs, "INLINE_ROWS", 0)


def test_a_big_file_is_checked_then_applied_in_the_background(client_as, everything_in_background):
    client = client_as("supervisor")
    sent = upload_through_page(client, "p3ke.xlsx", xlsx([row(), spouse()]))  # the page's own form
    preview = Job.objects.get()
    assert sent.url == reverse("jobs:detail", args=[preview.pk]) and not ImportBatch.objects.exists()
    assert "Menunggu giliran" in client.get(sent.url).text
    run_worker()
    preview.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert preview.status == Job.Status.DONE and preview.result["url"] == reverse("imports:detail", args=[batch.pk])
    assert not (files.root() / "tmp" / preview.params["upload"]).exists()  # kept only until it is read
    assert reverse("imports:detail", args=[batch.pk]) in client.get(sent.url).text
    assert (Household.objects.count(), Person.objects.count()) == (0, 0)  # a dry run

    applied = client.post(reverse("imports:confirm", args=[batch.pk]))
    job = Job.objects.latest("id")
    assert applied.url == reverse("jobs:detail", args=[job.pk]) and job.kind == "import_apply"
    run_worker()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Job.Status.DONE and batch.status == ImportBatch.Status.APPLIED
    assert (Household.objects.count(), Person.objects.count()) == (1, 2)


def test_an_unreadable_big_file_fails_with_the_readers_message(client_as, everything_in_background):
    client = client_as("supervisor")
    upload(client, b"PK\x03\x04 broken")
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.error and "kesalahan tak terduga" not in job.error
    assert not ImportBatch.objects.exists()
    assert job.error in client.get(reverse("jobs:detail", args=[job.pk])).text


def test_a_bomb_sent_to_the_background_is_refused_with_the_readers_message(client_as, everything_in_background):
    from tests.imports.test_hostile_uploads import cell_bomb

    client = client_as("supervisor")
    upload(client, cell_bomb(megabytes=50))
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "kali saat dibuka" in job.error
    assert not ImportBatch.objects.exists() and not Person.objects.exists()


def test_the_dry_run_of_a_big_file_tells_how_many_rows_it_has_read(client_as, everything_in_background, settings):
    settings.JOBS_PROGRESS_EVERY = 0
    client = client_as("supervisor")
    upload(client, xlsx([row()] * 2500))
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.done == 2000 and job.total is None  # told every 1,000 rows
    assert ImportBatch.objects.get().summary["rows"] == 2500
