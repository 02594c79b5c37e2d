"""A supervisor checks the dashboard's numbers in the background: the job recounts from the case rows and says
whether every number matches — and says so when one does not (the check can fail)."""

import pytest
from django.urls import reverse

from dashboard.models import Tally
from jobs.models import Job
from tests.pageforms import page_forms
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def start_check(client):
    page = client.get(reverse("dashboard:index"))
    (form,) = [form for form in page_forms(page) if form.action == reverse("dashboard:check")]
    response = form.submit(client)
    job = Job.objects.latest("id")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job, client.get(response.url).text


def test_the_check_matches_then_catches_a_corrupted_tally(demo, client_as):
    client = client_as("supervisor")
    job, page = start_check(client)
    assert job.result["ok"] is True and job.done == job.total == job.result["households"] > 0
    assert "Semua angka dasbor cocok" in page
    tally = Tally.objects.filter(n__gt=0).first()
    Tally.objects.filter(pk=tally.pk).update(n=tally.n + 7)  # what a write past the services would leave
    job, page = start_check(client)
    assert job.result["ok"] is False and job.result["counts"]["tallies"] == 1
    assert "TIDAK cocok" in page


def test_only_supervisors_see_the_check(demo, client_as):
    assert reverse("dashboard:check") not in client_as("dinsos_caseworker").get(reverse("dashboard:index")).text
    assert client_as("dinsos_caseworker").post(reverse("dashboard:check")).status_code == 403
    assert not Job.objects.exists()
