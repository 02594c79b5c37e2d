"""Reconciliation of a national list (issue 15, item 3): two DTSEN snapshots imported through the upload page give the
expected buckets per kelurahan (checked against counts from the raw rankings), the supervisor's decisions outlive a
recomputation, and the workbook of all rows reads back in openpyxl."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ChangeLog
from households.models import Household, Ranking
from households.services import household_archive, household_change_status
from imports.models import Bucket, ImportBatch, Reconciliation, ReconciliationDecision, ReconciliationRow
from imports.reconcile import reconcile, reconciliation_decide
from imports.reports import RECONCILIATION_HEADER
from jobs import files
from jobs.models import Job
from jobs.services import job_run
from tests.factories import kelurahan
from tests.imports.helpers import row, upload, xlsx
from tests.pageforms import PageForm, page_form, page_forms

pytestmark = pytest.mark.django_db

APRIL, OCTOBER = datetime.date(2026, 4, 1), datetime.date(2026, 10, 1)
HEADER = ["no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga", "kecamatan", "kelurahan",
          "alamat", "desil"]  # fmt: skip
KAMELOH, KALAMPANGAN = ("Sabangau", "Kameloh Baru"), ("Sabangau", "Kalampangan")


def family(n: int, desil: int, place: tuple[str, str] = KAMELOH, **overrides) -> dict:
    """The head of family n (one person a family): No. KK 62710420010000nn, a valid NIK of its own."""
    kecamatan, name = place
    values = row(no_kk=f"62710420010000{n:02d}", nik=f"62710405068000{n:02d}", nama=f"Kepala {n}",
                 kecamatan=kecamatan, kelurahan=name, desil=str(desil))  # fmt: skip
    values.update(overrides)
    return values


APRIL_LIST = [
    family(1, 1),  # stays in desil 1: nothing to say
    family(2, 1),  # desil 1 -> 3: left
    family(3, 2, KALAMPANGAN),  # desil 2 -> 1: entered
    family(4, 1, KALAMPANGAN),  # not in October's list: missing (and its October row is refused)
    family(5, 4),  # not in October's list, but archived since: not missing
    family(6, 2),  # moved to Kalampangan by October's list: mismatch
]
OCTOBER_LIST = [
    family(1, 1),
    family(2, 3),
    family(3, 1, KALAMPANGAN),
    family(6, 2, KALAMPANGAN),
    family(7, 1, nama="@SUM(1)"),  # new in desil 1: created only (not also entered); a name like a formula
    family(4, 1, KALAMPANGAN, nik="6,27104E+15"),  # refused: an NIK Excel turned into a number (family 4 is known)
    family(8, 1, KALAMPANGAN, nik="6,27104E+15"),  # refused, and not in the register
]


def import_list(client, rows: list[dict], as_of: datetime.date) -> ImportBatch:
    upload(client, xlsx(rows, header=HEADER), f"dtsen-{as_of}.xlsx", list_kind="dtsen", as_of=f"{as_of:%d/%m/%Y}")
    batch = ImportBatch.objects.latest("id")
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    return batch


def household(n: int) -> Household:
    return Household.objects.get(no_kk=f"62710420010000{n:02d}")


def run_latest_job() -> Job:
    job = Job.objects.latest("id")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


@pytest.fixture
def two_lists(client_as, supervisor):
    return import_two_lists(client_as, supervisor)


def import_two_lists(client_as, supervisor) -> tuple:
    """April's and October's lists imported through the upload page by a supervisor (family 5 archived between)."""
    client = client_as("supervisor")
    import_list(client, APRIL_LIST, APRIL)
    five = household(5)
    household_change_status(household=five, status=Household.Status.MOVED, reason="Pindah ke Kapuas", actor=supervisor)
    household_archive(household=household(5), actor=supervisor, reason="Pindah ke luar kota")
    batch = import_list(client, OCTOBER_LIST, OCTOBER)
    return client, batch


def form_to(response, url: str, **carrying: str) -> PageForm:
    """The page's one POST form sent to `url` (and carrying these hidden values)."""
    assert response.status_code == 200
    forms = [
        form
        for form in page_forms(response)
        if form.method == "post" and form.action == url and carrying.items() <= dict(form.data()).items()
    ]
    assert len(forms) == 1, forms
    return forms[0]


def start_from_batch_page(client, batch: ImportBatch) -> Reconciliation:
    """ "Rekonsiliasi daftar ini" on the import's page, then the job the worker runs."""
    page = client.get(reverse("imports:detail", args=[batch.pk]))
    sent = form_to(page, reverse("imports:batch_reconcile", args=[batch.pk])).submit(client)
    job = Job.objects.latest("id")
    assert sent.url == reverse("jobs:detail", args=[job.pk]) and job.kind == "reconcile_list"
    job = run_latest_job()
    reconciliation = Reconciliation.objects.get(source="dtsen", as_of=OCTOBER)
    assert job.result["url"] == reverse("imports:reconciliation", args=[reconciliation.pk])
    return reconciliation


def found(reconciliation: Reconciliation) -> dict[str, set[tuple[str, str]]]:
    """bucket -> {(row key, kelurahan name)}."""
    result: dict[str, set[tuple[str, str]]] = {bucket: set() for bucket in Bucket.values}
    for bucket, key, name in reconciliation.rows.values_list("bucket", "key", "kelurahan__name"):
        result[bucket].add((key, name))
    return result


def oracle(source: str, as_of: datetime.date, previous: datetime.date) -> dict[str, dict[str, int]]:
    """entered / left / missing / created per kelurahan, counted from the raw rankings, households and the change
    log's "create" rows of the list's applied imports, by the rule of docs/DTSEN_FLOW.md (a household the list's
    imports created is only in "created")."""
    now = dict(Ranking.objects.filter(source=source, as_of=as_of).values_list("household_id", "desil"))
    before = dict(Ranking.objects.filter(source=source, as_of=previous).values_list("household_id", "desil"))
    places = dict(Household.objects.values_list("id", "kelurahan__name"))
    archived = set(Household.objects.filter(archived_at__isnull=False).values_list("id", flat=True))
    labels = [
        batch.source_label
        for batch in ImportBatch.objects.filter(list_kind=source, as_of=as_of, status=ImportBatch.Status.APPLIED)
    ]
    created = {
        int(pk)
        for pk in ChangeLog.objects.filter(
            content_type__model="household", action=ChangeLog.Action.CREATE, source__in=labels
        ).values_list("object_id", flat=True)
    } & now.keys()
    counts: dict[str, dict[str, int]] = {"entered": {}, "left": {}, "missing": {}, "created": {}}

    def add(bucket: str, household_id: int) -> None:
        counts[bucket][places[household_id]] = counts[bucket].get(places[household_id], 0) + 1

    for household_id, desil in now.items():
        if household_id in created:
            add("created", household_id)
        elif desil == 1 and before.get(household_id) != 1:
            add("entered", household_id)
        elif before.get(household_id) == 1 and desil != 1:
            add("left", household_id)
    for household_id in before.keys() - now.keys() - archived:
        add("missing", household_id)
    return counts


def per_kelurahan(reconciliation: Reconciliation, bucket: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in reconciliation.rows.filter(bucket=bucket).values_list("kelurahan__name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_two_dtsen_snapshots_give_the_expected_buckets_per_kelurahan(two_lists):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    hh = {n: f"hh-{household(n).pk}" for n in (1, 2, 3, 4, 6, 7)}
    buckets = found(reconciliation)
    assert buckets["entered"] == {(hh[3], "Kalampangan")}  # family 7 is new in desil 1: counted in "created" only
    assert buckets["left"] == {(hh[2], "Kameloh Baru")}
    assert buckets["missing"] == {(hh[4], "Kalampangan")}  # family 5 is archived
    assert buckets["created"] == {(hh[7], "Kameloh Baru")}
    mismatch = dict(buckets["mismatch"])
    assert mismatch.pop(hh[6]) == "Kalampangan"  # moved by the import
    assert mismatch.pop(hh[4]) == "Kalampangan"  # its October row was refused: linked to its case file
    ((key, name),) = mismatch.items()  # family 8: not in the register, known by its (hashed) No. KK
    assert key.startswith("kk-") and "6271042001000008" not in key and name == "Kalampangan"
    assert (
        reconciliation.previous_as_of == APRIL and reconciliation.ranked == 5 and reconciliation.batches == [batch.pk]
    )
    for bucket, counts in oracle("dtsen", OCTOBER, APRIL).items():
        assert per_kelurahan(reconciliation, bucket) == counts, bucket

    rows = {row.key: row for row in reconciliation.rows.filter(bucket=Bucket.MISMATCH)}
    assert "Kameloh Baru → Kalampangan" in rows[hh[6]].detail
    refused = rows[key].detail
    assert "ditolak" in refused and "6271042001000008" not in refused  # identity numbers masked
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    assert (left.desil_before, left.desil_after) == (1, 3)
    created = reconciliation.rows.get(bucket=Bucket.CREATED)
    assert (created.desil_before, created.desil_after) == (None, 1) and created.created_in_desil_1
    assert "Baru masuk desil 1 (tidak ada di daftar → desil 1), dihitung di kelompok ini saja" in created.detail


def test_the_first_list_of_a_source_has_no_entered_left_or_missing(client_as, supervisor):
    client = client_as("supervisor")
    import_list(client, APRIL_LIST, APRIL)
    reconciliation = reconcile(source="dtsen", as_of=APRIL, actor=supervisor)
    assert reconciliation.previous_as_of is None
    assert set(reconciliation.rows.values_list("bucket", flat=True)) == {Bucket.CREATED}
    assert reconciliation.rows.count() == len(APRIL_LIST)
    page = client.get(reverse("imports:reconciliation", args=[reconciliation.pk])).text
    assert "Belum ada daftar DTSEN yang lebih lama" in page


def test_a_decision_is_recorded_from_the_page_and_survives_recomputation(two_lists, supervisor):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    left = reconciliation.rows.get(bucket=Bucket.LEFT)
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    page = client.get(url, {"bucket": "left"})
    form = page_form(page, containing="decision")
    form["decision"] = "keep"
    refused = form.submit(client)  # keeping needs a reason: said in the row (tests/imports/test_reconcile_page.py)
    assert "perlu alasan" in refused.text and not ReconciliationDecision.objects.exists()

    form = page_form(refused, containing="decision")
    assert form["decision"] == "keep"
    form["reason"] = "Sudah dikunjungi: masih sangat miskin, usulkan tetap prioritas"
    sent = form.submit(client)
    assert sent.url == f"{url}?bucket=left#row-left-{left.key}"
    decision = ReconciliationDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.household_id) == ("keep", supervisor, left.household_id)
    left.refresh_from_db()
    assert left.decision == decision
    logged = ChangeLog.objects.filter(case_id=left.household_id, object_id=decision.pk).get()
    assert logged.changes["decision"] == [None, "Pertahankan (dengan alasan)"] and logged.actor == supervisor

    # Recomputed from the list page: the rows are new, the decision is the same, and so is every finding.
    findings = set(reconciliation.rows.values_list("bucket", "key", "kelurahan", "household", "detail"))
    lists = client.get(reverse("imports:reconciliations"))
    form_to(lists, reverse("imports:reconciliation_start"), as_of="2026-10-01").submit(client)
    run_latest_job()
    assert not ReconciliationRow.objects.filter(pk=left.pk).exists()
    assert set(reconciliation.rows.values_list("bucket", "key", "kelurahan", "household", "detail")) == findings
    again = reconciliation.rows.get(bucket=Bucket.LEFT)
    assert again.decision == decision
    assert "Pertahankan (dengan alasan)" in client.get(url, {"decided": "1"}).text
    assert client.get(url, {"decided": "1"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"decided": "0"}).context["page_obj"].paginator.count == reconciliation.rows.count() - 1

    # Changed later: the same decision row, a second change-log entry.
    form = page_form(client.get(url, {"bucket": "left"}), containing="decision")
    form["decision"] = "accept"
    form["reason"] = ""
    form.submit(client)
    decision.refresh_from_db()
    assert decision.decision == "accept" and ReconciliationDecision.objects.count() == 1
    assert ChangeLog.objects.filter(object_id=decision.pk, case_id=left.household_id).count() == 2


def test_an_admin_reads_the_reconciliation_but_does_not_decide(two_lists, client_as):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    page = client_as("admin").get(reverse("imports:reconciliation", args=[reconciliation.pk]))
    assert page.status_code == 200 and 'name="decision"' not in page.text
    first = reconciliation.rows.first()
    refused = client_as("admin").post(
        reverse("imports:reconciliation_decide", args=[reconciliation.pk]),
        {"bucket": first.bucket, "key": first.key, "decision": "accept"},
    )
    assert refused.status_code == 403 and not ReconciliationDecision.objects.exists()


def test_the_workbook_of_all_rows_reads_back_with_decisions_and_no_formulas(two_lists, supervisor):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    created = reconciliation.rows.get(bucket=Bucket.CREATED)
    reconciliation_decide(
        reconciliation=reconciliation, bucket=created.bucket, key=created.key, decision="propose",
        reason="=KK belum diverifikasi Dukcapil", actor=supervisor,
    )  # fmt: skip
    page = client.get(reverse("imports:reconciliation", args=[reconciliation.pk]))
    sent = form_to(page, reverse("imports:reconciliation_export", args=[reconciliation.pk])).submit(client)
    job = run_latest_job()
    assert sent.url == reverse("jobs:detail", args=[job.pk]) and job.kind == "reconciliation_export"
    sheet = load_workbook(io.BytesIO(files.path_of(job).read_bytes())).active
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0]) == RECONCILIATION_HEADER
    assert len(lines) - 1 == reconciliation.rows.count() == job.rows
    by_household = {line[5]: dict(zip(RECONCILIATION_HEADER, line, strict=True)) for line in lines[1:] if line[5]}
    new = by_household[created.household_id]
    assert new["kelompok"] in ("Baru masuk desil 1", "Di daftar, baru dibuat di registri")
    created_line = next(
        dict(zip(RECONCILIATION_HEADER, line, strict=True))
        for line in lines[1:]
        if line[2] == "Di daftar, baru dibuat di registri"
    )
    assert created_line["kepala_keluarga"] == "'@SUM(1)"  # text, never a formula
    assert created_line["keputusan"] == "Usulkan perbaikan"
    opened = ReconciliationDecision.objects.get().proposal  # proposing opened the household's DTSEN proposal
    assert opened is not None and created_line["usulan_dtsen"] == opened.pk
    assert created_line["alasan"] == "'=KK belum diverifikasi Dukcapil"
    assert created_line["daftar"] == "DTSEN" and created_line["per_tanggal"] == "01/10/2026"
    assert all(not str(value).startswith(("=", "+", "@")) for line in lines for value in line if value is not None)


def queries(client, url: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data or {}).status_code == 200
    return len(captured)


def test_the_page_reads_a_fixed_number_of_queries_whatever_its_rows_and_decisions(two_lists, supervisor):
    """Session, user, the list, the summary (one grouped query), the count, a page of rows with their households,
    kelurahan and decisions (one joined query), the kelurahan filter's options, the menu's tally; a kelurahan
    filter is validated with one more."""
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    filtered = {"kelurahan": kelurahan("Kalampangan").pk}
    undecided, undecided_filtered = queries(client, url), queries(client, url, filtered)
    for each in reconciliation.rows.all():
        reconciliation_decide(
            reconciliation=reconciliation,
            bucket=each.bucket,
            key=each.key,
            decision="accept",
            reason="",
            actor=supervisor,
        )
    assert queries(client, url) == undecided == 10
    assert queries(client, url, filtered) == undecided_filtered == 11
    assert client.get(url, {**filtered, "decided": "1"}).context["page_obj"].paginator.count == 5
    with_lists = queries(client, reverse("imports:reconciliations"))
    import_list(client, [family(9, 1)], datetime.date(2026, 11, 1))
    assert queries(client, reverse("imports:reconciliations")) == with_lists <= 8


def test_a_list_without_rankings_is_not_started(client_as):
    client = client_as("supervisor")
    form = form_to(client.get(reverse("imports:reconciliations")), reverse("imports:reconciliation_start"))
    form["source"] = "dtsen"
    form["as_of"] = "2026-01-01"
    answer = form.submit(client, follow=True)
    assert "Belum ada peringkat dari daftar DTSEN per 01/01/2026" in answer.text and not Job.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_production_worker_computes_a_list_with_its_progress(client_as, supervisor, settings):
    from tests.worker import run_worker

    settings.JOBS_PROGRESS_EVERY = 0
    client = client_as("supervisor")
    import_list(client, APRIL_LIST, APRIL)
    batch = import_list(client, OCTOBER_LIST, OCTOBER)
    page = client.get(reverse("imports:detail", args=[batch.pk]))
    sent = form_to(page, reverse("imports:batch_reconcile", args=[batch.pk])).submit(client)
    job = Job.objects.get(kind="reconcile_list")
    assert sent.url == reverse("jobs:detail", args=[job.pk]) and "Menunggu giliran" in client.get(sent.url).text
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 2 * 5 + 6  # October twice, April once
    reconciliation = Reconciliation.objects.get()
    assert reverse("imports:reconciliation", args=[reconciliation.pk]) in client.get(sent.url).text
    assert reconciliation.rows.count() == 8


def test_a_decision_on_a_row_the_list_no_longer_has_is_refused_with_a_message(two_lists):
    client, batch = two_lists
    reconciliation = start_from_batch_page(client, batch)
    url = reverse("imports:reconciliation", args=[reconciliation.pk])
    form = page_form(client.get(url, {"bucket": "left"}), containing="decision")
    form.force("key", "hh-987654")  # the row of a household a recomputation no longer lists
    form["decision"] = "accept"
    answer = form.submit(client, follow=True)
    assert "Baris ini sudah tidak ada" in answer.text and not ReconciliationDecision.objects.exists()
