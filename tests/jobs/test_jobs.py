"""Large exports run as background jobs on the real queue (django-tasks' database backend, run by the real
`db_worker` command, not an eager mode): progress, the finished file, failure and retry, a killed job, expiry,
and who may see what."""

import csv
import datetime
import hashlib
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AccessLog
from households.models import Person
from interventions.models import Intervention
from jobs import exports, files
from jobs.models import Job
from jobs.registry import KINDS, register
from jobs.services import job_retry, job_start, jobs_prune
from tests.factories import HouseholdFactory, InterventionFactory, PersonFactory
from tests.pageforms import page_forms
from tests.worker import run_worker

# The worker commits as it goes, like in production: these tests use real transactions.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def small_limit(monkeypatch):
    """Exports over 3 rows run in the background (10,000 in production): a few households are enough."""
    monkeypatch.setattr(exports, "INLINE_ROWS", 3)


@pytest.fixture
def households():
    made = [HouseholdFactory() for _ in range(3)]
    for household in made:
        PersonFactory.create_batch(2, household=household, relation="anak")
    return made


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_a_large_registry_export_becomes_a_job_and_its_file_is_whole(client_as, households, small_limit, cast):
    client = client_as("supervisor")
    started = client.get(reverse("cases:registry_export") + "?format=csv")
    job = Job.objects.get()
    assert started.status_code == 302 and started.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.QUEUED and job.owner == cast["supervisor"]
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1  # on the queue
    requested = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert requested.detail["job"] == job.pk and requested.detail["list"] == "registry"
    page = client.get(started.url).content.decode()
    assert "Menunggu giliran" in page and "<progress" in page

    run_worker()

    job.refresh_from_db()
    persons = Person.objects.count()  # the oracle: every person of the registry, counted from the table
    assert job.status == Job.Status.DONE and job.rows == persons and job.done == job.total == persons
    content = files.path_of(job).read_bytes()
    assert hashlib.sha256(content).hexdigest() == job.sha256 and len(content) == job.file_size
    rows = read_csv(content)
    assert rows[0][0] == "id_rumah_tangga" and len(rows) == persons + 1
    assert {row[3] for row in rows[1:]} == {f"{p.nik[:4]}{'•' * 8}{p.nik[-4:]}" for p in Person.objects.all()}
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Selesai" in page and reverse("jobs:download", args=[job.pk]) in page
    downloaded = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(downloaded.streaming_content) == content
    fetch = AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).latest("at")
    assert fetch.detail["download"] is True and fetch.detail["rows"] == persons


def test_a_small_export_still_streams_at_once(client_as, households):
    response = client_as("dinsos_caseworker").get(reverse("cases:registry_export") + "?format=csv")
    assert response.status_code == 200 and not Job.objects.exists()
    assert len(read_csv(b"".join(response.streaming_content))) == Person.objects.count() + 1


def test_the_interventions_export_runs_as_a_job_with_the_lists_filters(client_as, small_limit):
    InterventionFactory.create_batch(4)
    InterventionFactory(status="delivered", delivered_on="2024-02-05")
    client = client_as("disnaker_caseworker")
    client.get(reverse("interventions:export") + "?format=xlsx&status=planned")
    run_worker()
    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.error
    assert job.rows == Intervention.objects.filter(status="planned").count() == 4
    assert job.file_name.endswith(".xlsx")


def counting(job, progress):
    """A job kind for the progress test: after each step it reads its own row back, as the page would."""
    progress.set_total(5)
    seen = []
    for _ in range(5):
        progress.advance()
        stored = Job.objects.get(pk=job.pk)
        seen.append((stored.done, stored.total))
    Job.objects.filter(pk=job.pk).update(result={"seen": seen})


def failing_once(job, progress):
    if not job.attempts or Job.objects.get(pk=job.pk).attempts < 2:
        raise RuntimeError("disk full")
    progress.set_total(1)
    progress.advance()


@pytest.fixture
def test_kinds():
    register("test_counting", counting)
    register("test_failing_once", failing_once)
    yield
    KINDS.pop("test_counting")
    KINDS.pop("test_failing_once")


def test_progress_is_written_while_the_job_runs(settings, supervisor, test_kinds):
    settings.JOBS_PROGRESS_EVERY = 0
    job = job_start(owner=supervisor, kind="test_counting", title="Hitung", params={})
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["seen"] == [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]


def test_a_failed_job_says_so_keeps_no_file_and_can_be_retried(client, supervisor, test_kinds, caplog):
    job = job_start(owner=supervisor, kind="test_failing_once", title="Coba", params={})
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.file_path == ""
    assert "Terjadi kesalahan tak terduga" in job.error and "disk full" not in job.error  # no internals shown
    assert "disk full" in caplog.text  # but logged for the operator
    client.force_login(supervisor)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    (form,) = [form for form in page_forms(page) if form.action == reverse("jobs:retry", args=[job.pk])]
    assert form.submit(client).status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.error == ""
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2


def test_a_job_killed_mid_way_shows_as_stopped_leaves_no_file_and_runs_again(
    client_as, households, small_limit, settings
):
    client = client_as("supervisor")
    client.get(reverse("cases:registry_export") + "?format=csv")
    job = Job.objects.get()
    # What a worker killed while writing leaves behind: the job "running", silent since, and a partial file.
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago, done=2)
    part = files.root() / "tmp" / f"{job.pk}-dead.part"
    part.write_text("id_rumah_tangga;...\n1;")
    os.utime(part, (long_ago.timestamp(), long_ago.timestamp()))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Terhenti" in page and "Coba lagi" in page and reverse("jobs:download", args=[job.pk]) not in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    job_retry(Job.objects.get(pk=job.pk))
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.rows == Person.objects.count()
    assert jobs_prune() == {"files": 0, "parts": 1} and not part.exists()


def test_an_expired_file_is_gone_and_pruned(client_as, households, small_limit):
    client = client_as("supervisor")
    client.get(reverse("cases:registry_export") + "?format=csv")
    run_worker()
    job = Job.objects.get()
    path = files.path_of(job)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert "kedaluwarsa" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert jobs_prune()["files"] == 1 and not path.exists()
    assert Job.objects.get(pk=job.pk).file_path == ""  # the record of the export stays


def test_only_the_owner_and_supervisors_see_a_job(client_as, households, small_limit, cast):
    client_as("dinsos_caseworker").get(reverse("cases:registry_export") + "?format=csv")
    run_worker()
    job = Job.objects.get()
    for url in (reverse("jobs:detail", args=[job.pk]), reverse("jobs:download", args=[job.pk])):
        assert client_as("dinsos_caseworker").get(url).status_code == 200
        assert client_as("disnaker_caseworker").get(url).status_code == 404
        assert client_as("supervisor").get(url).status_code == 200
        assert client_as("admin").get(url).status_code == 404
    assert job.title in client_as("dinsos_caseworker").get(reverse("jobs:list")).content.decode()
    assert job.title not in client_as("disnaker_caseworker").get(reverse("jobs:list")).content.decode()
    assert "Registri" in client_as("supervisor").get(reverse("jobs:list") + "?semua=1").content.decode()


def test_full_numbers_are_refused_when_the_owner_lost_the_right(client_as, households, small_limit, supervisor):
    client_as("supervisor").get(reverse("cases:registry_export") + "?format=csv&full=1")
    job = Job.objects.get()
    assert job.params["full"] is True
    supervisor.role = "caseworker"
    supervisor.save()
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "tidak lagi berhak" in job.error and job.file_path == ""


@pytest.mark.parametrize(
    ("kind", "words"), [("export_registry", "3 dari 5 baris"), ("dashboard_check", "3 dari 5 rumah tangga")]
)
def test_the_progress_says_what_the_job_counts(client_as, supervisor, kind, words):
    job = job_start(owner=supervisor, kind=kind, title="Uji", params={"data": [], "format": "csv", "full": False})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, total=5, done=3, heartbeat_at=timezone.now())
    page = client_as("supervisor").get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert words in " ".join(page.split())
