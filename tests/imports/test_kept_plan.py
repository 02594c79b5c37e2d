"""Applying an import uses what its preview read from the file (the file is not read and cleaned twice), but
matches it again with the database as it is at the time of applying."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, Person
from imports.models import ImportBatch
from imports.planner import Plan, build_plan, match_plan, read_plan
from tests.factories import PersonFactory
from tests.imports.helpers import P3KE_ARGS, row, spouse, xlsx
from tests.imports.test_import_flow import GOOD, JOKO, upload

pytestmark = pytest.mark.django_db

BAD_DATE = row(id_keluarga_p3ke="P3KE-T-009", no_kk="6271042001000009", nik="", tanggal_lahir="31/02/1990")


def problems(plan: Plan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors]


def test_a_kept_plan_thaws_into_the_plan_the_file_gives(monkeypatch):
    monkeypatch.setattr("imports.planner.CHUNK", 1)  # one household a chunk: the chunks are put back together
    data = xlsx([*GOOD, BAD_DATE])
    read = read_plan("p3ke.xlsx", data)
    thawed = Plan.thaw(read.freeze())
    assert thawed is not None
    match_plan(read)
    match_plan(thawed)
    fresh = build_plan("p3ke.xlsx", data)
    assert thawed.counts() == read.counts() == fresh.counts()
    assert thawed.counts()["error_rows"] == 1
    assert problems(thawed) == problems(fresh) and thawed.header == fresh.header
    assert thawed.raw.get([2, 5]) == fresh.raw.get([2, 5])
    assert thawed.raw.get([5])[5][3] == BAD_DATE["nama"]  # the bad row's cells as the file had them
    born = {p.fields["nik"]: p.fields["birth_date"] for g in thawed.groups.values() for p in g.persons}
    assert born[JOKO["nik"]] == datetime.date(1990, 1, 1)  # a date again, not its text


@pytest.mark.parametrize("kept", [b"", b"not zlib", b"x\x01garbage"])
def test_an_unreadable_kept_plan_is_refused(kept):
    assert Plan.thaw(kept) is None


def test_a_cut_off_kept_plan_is_refused():
    frozen = read_plan("p3ke.xlsx", xlsx(GOOD)).freeze()
    assert Plan.thaw(frozen) is not None
    assert Plan.thaw(frozen[: len(frozen) // 2]) is None
    assert Plan.thaw(frozen[:-1]) is None


def test_a_plan_kept_by_another_version_is_refused():
    with mock.patch("imports.planner.PLAN_FORMAT", 0):
        frozen = read_plan("p3ke.xlsx", xlsx(GOOD)).freeze()
    assert Plan.thaw(frozen) is None


def test_confirming_does_not_read_the_file_again(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    assert batch.plan is not None
    with mock.patch("imports.services.read_plan", side_effect=AssertionError("read again")) as read:
        response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    read.assert_not_called()
    assert "Impor selesai: 2 rumah tangga baru" in response.text
    assert Person.objects.count() == 3
    batch.refresh_from_db()
    assert batch.plan is None and batch.content is None  # neither the file nor what was read from it stays


def test_without_a_usable_kept_plan_the_file_is_read_again(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    ImportBatch.objects.update(plan=b"left by an older version")
    response = client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]), follow=True)
    assert "Impor selesai: 2 rumah tangga baru" in response.text
    assert Person.objects.count() == 3


def test_cancelling_drops_what_was_read(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.plan is None and batch.content is None


def test_what_changed_in_the_database_since_the_preview_counts(client_as):
    """The preview said "new"; meanwhile a caseworker registered Joko's NIK in another family by hand."""
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    assert batch.summary["households"]["new"] == 2
    PersonFactory(full_name="Joko", nik=JOKO["nik"], birth_date=datetime.date(1990, 1, 1))
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "applied"
    assert batch.summary["households"] == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 1, "older": 0}
    assert Household.objects.count() == 2  # the hand-made one and Rudi's; Joko's row waits to be fixed
    report = client.get(reverse("imports:errors", args=[batch.pk]))
    table = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True))
    assert "sudah terdaftar di rumah tangga lain" in table[1][-1]
    assert table[1][3] == "Joko"  # the row as the file had it, from the kept plan


def test_the_command_line_reads_the_file_once(tmp_path, city_admin):
    file = tmp_path / "p3ke.xlsx"
    file.write_bytes(xlsx([row(), spouse()]))
    with mock.patch("imports.management.commands.import_households.read_plan", wraps=read_plan) as read:
        call_command("import_households", str(file), "--user", city_admin.username, *P3KE_ARGS, stdout=io.StringIO())
    assert read.call_count == 1
    assert Person.objects.count() == 2 and ImportBatch.objects.get().plan is None
