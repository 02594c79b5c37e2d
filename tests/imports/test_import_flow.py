"""Upload, preview, confirm: idempotent, atomic, recorded; the command line does the same."""

import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ChangeLog
from households.models import Household, Person
from imports.models import ImportBatch
from tests.imports.helpers import P3KE_ARGS, row, spouse, upload, xlsx

pytestmark = pytest.mark.django_db

JOKO = row(
    id_keluarga_p3ke="P3KE-T-002",
    no_kk="6271052001000002",
    nik="6271050101900003",
    nama="Joko",
    tanggal_lahir="01/01/1990",
    kecamatan="Rakumpit",
    kelurahan="Petuk Bukit",
    status_miskin_ekstrem="Tidak",
)
GOOD = [row(), spouse(), JOKO]


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), ChangeLog.objects.count()


def test_the_dry_run_writes_nothing_and_shows_what_would_change(client_as):
    client = client_as("supervisor")
    response = upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:detail", args=[batch.pk])
    assert counts() == (0, 0, 0)
    assert batch.summary["households"] == {"new": 2, "updated": 0, "unchanged": 0, "skipped": 0, "older": 0}
    assert batch.summary["persons"]["new"] == 3
    page = client.get(response.url)
    assert "Konfirmasi impor" in page.text


def test_confirming_imports_everything_with_history_naming_the_import(client_as, supervisor):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "Impor selesai: 2 rumah tangga baru" in response.text
    family = Household.objects.get(p3ke_id="P3KE-T-001")
    assert (family.no_kk, family.status, family.head_name, family.member_count, family.rt) == (
        "6271042001000001", "extreme_poor", "Rudi Hartono", 2, "003",
    )  # fmt: skip
    assert Household.objects.get(p3ke_id="P3KE-T-002").status == "poor"
    assert set(Person.objects.values_list("nik", flat=True)) == {
        "6271040506800001",
        "6271044506850002",
        "6271050101900003",
    }
    history = ChangeLog.objects.for_case(family.pk)
    assert history.count() == 4  # the household, its two members, and its ranking in the list
    assert history.filter(content_type__model="ranking").count() == 1
    assert {entry.source for entry in history} == {f"impor #{batch.pk}: p3ke.xlsx"}
    assert {entry.actor for entry in history} == {supervisor}
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.content is None
    # the result links each new household
    joko = Household.objects.get(p3ke_id="P3KE-T-002")
    assert batch.summary["created"] == [{"id": family.pk, "row": 2}, {"id": joko.pk, "row": 4}]
    result = client.get(reverse("imports:detail", args=[batch.pk])).text
    assert reverse("cases:detail", args=[family.pk]) in result and reverse("cases:detail", args=[joko.pk]) in result


def test_importing_the_same_file_twice_changes_nothing_the_second_time(client_as):
    client = client_as("supervisor")
    for _ in range(2):
        upload(client, xlsx(GOOD))
        client.post(reverse("imports:confirm", args=[ImportBatch.objects.latest("id").pk]))
    before = counts()
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.latest("id")
    assert batch.summary["households"]["unchanged"] == 2 and batch.summary["persons"]["unchanged"] == 3
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert counts() == before


def test_a_changed_file_updates_only_what_changed(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    changed = [row(rt="7"), {**spouse(), "nama": "Siti Aminah Lestari", "rt": "7"}, GOOD[2]]
    upload(client, xlsx(changed))
    batch = ImportBatch.objects.latest("id")
    assert batch.summary["households"]["updated"] == 1 and batch.summary["persons"]["updated"] == 1
    preview = client.get(reverse("imports:detail", args=[batch.pk])).text
    assert "<td>RT</td>" in preview and "<td>Nama lengkap</td>" in preview  # as the forms name them
    assert "full_name" not in preview
    client.post(reverse("imports:confirm", args=[batch.pk]))
    family = Household.objects.get(p3ke_id="P3KE-T-001")
    assert family.rt == "007"
    assert ChangeLog.objects.for_object(family).latest("id").changes == {"rt": ["003", "007"]}
    assert Person.objects.get(nik="6271044506850002").full_name == "Siti Aminah Lestari"


def test_a_failure_in_the_middle_leaves_the_database_unchanged(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    from imports.services import import_apply

    with (
        # fails after every row is written, while the summaries and tallies are derived before commit
        mock.patch("dashboard.derived.derive", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        import_apply(batch=batch, actor=batch.uploaded_by)
    assert counts() == (0, 0, 0)
    batch.refresh_from_db()
    assert batch.status == "preview"


def test_a_double_submitted_confirm_imports_once(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    url = reverse("imports:confirm", args=[ImportBatch.objects.get().pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "sudah diproses" in response.text
    assert Household.objects.count() == 2


def test_an_oversized_upload_is_refused_before_parsing(client_as, settings):
    settings.IMPORT_MAX_BYTES = 1000
    with mock.patch("imports.services.read_plan") as parse:
        response = upload(client_as("supervisor"), b"x" * 1001)
    assert "Berkas terlalu besar" in response.text
    parse.assert_not_called()
    assert not ImportBatch.objects.exists()


def test_a_broken_spreadsheet_is_refused_with_a_message(client_as):
    response = upload(client_as("supervisor"), b"PK\x03\x04 broken")
    assert response.status_code == 200
    assert "tidak dapat dibaca sebagai .xlsx" in response.text
    assert counts() == (0, 0, 0)


def test_rows_in_error_can_be_downloaded_with_an_error_column(client_as):
    client = client_as("supervisor")
    rows = [row(nik=6271040506800001), spouse(), GOOD[2]]
    upload(client, xlsx(rows))
    batch = ImportBatch.objects.get()
    assert batch.summary["error_rows"] == 1 and batch.summary["households"]["skipped"] == 1
    response = client.get(reverse("imports:errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][-2:] == ("baris_asal", "kesalahan")
    assert [r[-2] for r in table[1:]] == [2, 3]
    assert "Excel" in table[1][-1] and "Dilewati" in table[2][-1]
    assert table[2][3] == "Siti Aminah"  # the row as it was in the file
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert list(Household.objects.values_list("p3ke_id", flat=True)) == ["P3KE-T-002"]
    assert client.get(reverse("imports:errors", args=[batch.pk])).status_code == 200  # still there later


def test_the_template_explains_every_column(client_as):
    response = client_as("supervisor").get(reverse("imports:template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Data", "Petunjuk"]
    header = [c.value for c in workbook["Data"][1]]
    assert header[:4] == ["id_keluarga_p3ke", "no_kk", "nik", "nama"] and "fasilitas_bab" in header
    assert workbook["Data"]["C2"].number_format == "@"
    # Every column is text for the rows the office types or pastes in (Excel keeps the 16 digits of a NIK).
    assert {workbook["Data"].column_dimensions[letter].number_format for letter in ("A", "B", "C", "M")} == {"@"}
    explained = [r[0] for r in workbook["Petunjuk"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert set(header) <= set(explained)


def test_cancelling_a_preview_writes_nothing(client_as):
    client = client_as("supervisor")
    upload(client, xlsx(GOOD))
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.content is None
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 302
    assert counts() == (0, 0, 0)


def test_the_command_line_does_a_dry_run_and_an_import(tmp_path, city_admin, dinsos_caseworker):
    path = tmp_path / "p3ke.xlsx"
    path.write_bytes(xlsx(GOOD))
    out = io.StringIO()
    call_command("import_households", str(path), "--user", city_admin.username, *P3KE_ARGS, "--dry-run", stdout=out)
    assert "rumah tangga baru 2" in out.getvalue() and counts()[0] == 0
    call_command(
        "import_households",
        str(path),
        "--user",
        city_admin.username,
        *P3KE_ARGS,
        "--source",
        "P3KE",
        stdout=io.StringIO(),
    )
    assert counts()[:2] == (2, 3)
    with pytest.raises(CommandError, match="bukan admin"):
        call_command("import_households", str(path), "--user", dinsos_caseworker.username, *P3KE_ARGS)


def test_a_fixed_report_uploaded_again_has_no_unknown_columns():
    from imports.planner import build_plan
    from tests.imports.helpers import HEADER

    header = [*HEADER, "baris_asal", "kesalahan"]
    plan = build_plan("laporan.xlsx", xlsx([{**row(), "baris_asal": 2, "kesalahan": "NIK: ..."}], header=header))
    assert plan.unknown_columns == [] and plan.counts()["households"]["new"] == 1


def test_a_family_whose_rows_disagree_is_told_both_values():
    from imports.planner import build_plan

    plan = build_plan("p3ke.xlsx", xlsx([row(rt="3"), spouse(rt="5")]))
    (problem,) = plan.errors
    assert (problem.row, problem.column) == (3, "rt")
    assert problem.message == (
        "Data keluarga berbeda dengan baris 2 (anggota keluarga yang sama): di sini 005, di baris 2 003."
    )


def test_a_refused_upload_says_to_choose_the_file_again(client_as):
    response = upload(client_as("supervisor"), xlsx(GOOD), list_kind="dtsen", as_of="01/01/2099")
    assert response.status_code == 200 and "Pilih berkasnya lagi" in response.text
