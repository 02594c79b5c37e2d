"""The dashboard's numbers are repaired in the background, on the real queue: a failed check offers the repair, an
admin starts it from the administration page, `manage.py recount_dashboard` puts it on the queue (or, with
--now, repairs in place). It puts right every layer — a household's summary column, a member's served flag, a
ledger, a tally row — commits chunk by chunk with progress, and says what it did."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from dashboard import derived
from dashboard.models import Contribution, Tally
from dashboard.tallies import Measure
from households.models import Household, Person
from jobs.models import Job
from tests import oracle
from tests.pageforms import page_forms
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EVERY_LAYER = {"summaries": 1, "served": 1, "ledgers": 1, "tallies": 1}


def corrupt_a_ledger(household: Household) -> tuple[dict, str]:
    """Add 7 to what the household's ledger says it adds to the count of households; returns the ledger and key."""
    ledger = dict(Contribution.objects.get(pk=household.pk).tallies)
    key = next(k for k in ledger if k.startswith(f"{Measure.HOUSEHOLDS}|"))
    ledger[key] = [ledger[key][0] + 7, ledger[key][1]]
    Contribution.objects.filter(pk=household.pk).update(tallies=ledger)
    return ledger, key


def corrupt_every_layer() -> None:
    """What writes past the services could leave: one household's member count, one member's served flag,
    another household's ledger, and a tally row of another measure."""
    first, second = Household._base_manager.filter(member_count__gt=0, archived_at=None).order_by("pk")[:2]
    Household._base_manager.filter(pk=first.pk).update(member_count=F("member_count") + 5)
    served = Person._base_manager.filter(is_served=True).order_by("pk").first()
    Person._base_manager.filter(pk=served.pk).update(is_served=False)
    corrupt_a_ledger(second)
    tally = Tally.objects.filter(measure=Measure.EP_PERSONS, n__gt=0).order_by("pk").first()
    Tally.objects.filter(pk=tally.pk).update(n=tally.n + 7)
    assert derived.check().counts == {"summaries": 1, "served": 1, "ledgers": 1, "tallies": 1}


def finished(job: Job) -> Job:
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def test_a_failed_check_offers_the_repair_and_the_repair_puts_every_layer_right(demo, client_as):
    client = client_as("supervisor")
    corrupt_every_layer()
    page = client.get(reverse("dashboard:index"))
    (form,) = [form for form in page_forms(page) if form.action == reverse("dashboard:check")]
    form.submit(client)
    check = finished(Job.objects.get(kind="dashboard_check"))
    assert check.result["ok"] is False
    check_page = client.get(reverse("jobs:detail", args=[check.pk]))
    assert "TIDAK cocok" in check_page.text
    (form,) = [form for form in page_forms(check_page) if form.action == reverse("dashboard:recount")]
    response = form.submit(client)
    job = Job.objects.get(kind="dashboard_recount")
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.owner.username == "sv_dinsos"

    job = finished(job)
    assert job.result["repaired"] == EVERY_LAYER
    assert job.result["ok"] is True and job.result["counts"] == dict.fromkeys(EVERY_LAYER, 0)
    assert job.done == job.total == 2 * job.result["households"] > 0  # repaired, then checked: all of it
    assert derived.check().ok and oracle.differences() == []
    page = client.get(response.url).text
    assert "1 nilai kolom ringkasan rumah tangga" in page and "1 buku hitung rumah tangga" in page
    assert "1 baris hitungan dasbor" in page and "semua angka dasbor cocok dengan data kasus" in page
    assert reverse("dashboard:recount") not in page  # nothing left to repair: no button


def test_a_ledger_and_tally_wrong_alike_are_found_and_a_wrong_ledger_alone_leaves_its_tally_as_it_was(demo):
    """The counts say what was wrong: a wrong ledger whose tally row was right moves that row away and back
    (not counted), a tally row wrong together with its ledger is."""
    household = Household._base_manager.filter(archived_at=None).order_by("pk").first()
    ledger, key = corrupt_a_ledger(household)
    shown = dict(Tally.objects.values_list("pk", "n"))
    assert derived.repair().counts == {"summaries": 0, "served": 0, "ledgers": 1, "tallies": 0}
    assert dict(Tally.objects.values_list("pk", "n")) == shown

    measure, kelurahan, opd, day, bucket = key.split("|")
    Contribution.objects.filter(pk=household.pk).update(tallies=ledger)
    Tally.objects.filter(measure=measure, kelurahan_id=kelurahan, opd=opd, day=day, bucket=bucket).update(n=F("n") + 7)
    repaired = derived.repair()
    assert repaired.counts == {"summaries": 0, "served": 0, "ledgers": 1, "tallies": 1} and repaired.ok
    assert dict(Tally.objects.values_list("pk", "n")) == shown


def test_the_repair_commits_chunk_by_chunk_with_progress_and_a_failure_is_reported(
    demo, client_as, monkeypatch, settings
):
    settings.JOBS_PROGRESS_EVERY = 0
    monkeypatch.setattr(derived, "CHUNK", 5)
    ids = list(Household._base_manager.order_by("pk").values_list("pk", flat=True))
    first, last = ids[0], ids[-1]
    Household._base_manager.filter(pk__in=[first, last]).update(head_name="Salah")
    seen = []
    refresh = derived.refresh

    def failing_in_the_second_chunk(chunk):
        seen.append(Job.objects.get(kind="dashboard_recount").done)  # what the job's page shows meanwhile
        if len(seen) == 2:
            raise RuntimeError("disk full")
        refresh(chunk)

    monkeypatch.setattr(derived, "refresh", failing_in_the_second_chunk)
    client = client_as("admin")
    (form,) = [
        form
        for form in page_forms(client.get(reverse("accounts:admin_home")))
        if form.action == reverse("dashboard:recount")
    ]
    response = form.submit(client)
    job = Job.objects.get(kind="dashboard_recount")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "Terjadi kesalahan tak terduga" in job.error
    assert seen == [0, 5]  # the first chunk's progress was visible before the second began
    heads = dict(Household._base_manager.filter(pk__in=[first, last]).values_list("pk", "head_name"))
    assert heads[first] != "Salah" and heads[last] == "Salah"  # the first chunk stays repaired

    monkeypatch.setattr(derived, "refresh", refresh)
    page = client.get(response.url)
    (retry,) = [form for form in page_forms(page) if form.action == reverse("jobs:retry", args=[job.pk])]
    retry.submit(client)
    job = finished(job)
    assert job.result["repaired"]["summaries"] == 1 and job.result["ok"] is True
    assert job.done == job.total == 2 * len(ids)
    assert derived.check().ok and oracle.differences() == []


def test_the_command_queues_the_repair_and_repairs_in_place_with_now(demo):
    corrupt_every_layer()
    out = io.StringIO()
    call_command("recount_dashboard", stdout=out)
    job = Job.objects.get(kind="dashboard_recount")
    assert job.owner is None and job.status == Job.Status.QUEUED
    assert f"#{job.pk}" in out.getvalue() and reverse("jobs:detail", args=[job.pk]) in out.getvalue()
    assert not derived.check().ok  # queued: nothing changed yet
    call_command("recount_dashboard", stdout=out)  # already waiting: the same job
    assert Job.objects.filter(kind="dashboard_recount").count() == 1
    assert finished(job).result["repaired"] == EVERY_LAYER and derived.check().ok

    corrupt_every_layer()
    out = io.StringIO()
    call_command("recount_dashboard", "--now", stdout=out)
    assert Job.objects.filter(kind="dashboard_recount").count() == 1  # no job: done here
    assert derived.check().ok and oracle.differences() == []
    printed = out.getvalue()
    assert "100% (memeriksa ulang)" in printed and "baris hitungan dasbor: 1 diperbaiki" in printed
    assert "semua cocok" in printed


def test_a_repair_started_from_the_command_is_seen_by_supervisors_and_admins_only(demo, client_as):
    call_command("recount_dashboard", stdout=io.StringIO())
    job = finished(Job.objects.get(kind="dashboard_recount"))
    url = reverse("jobs:detail", args=[job.pk])
    assert "dijadwalkan (cron)" in client_as("supervisor").get(url).text
    assert client_as("admin").get(url).status_code == 200
    assert job.title in client_as("admin").get(reverse("jobs:list") + "?semua=1").text
    assert job.title not in client_as("admin").get(reverse("jobs:list")).text  # their own: none
    assert client_as("dinsos_caseworker").get(url).status_code == 404
