"""Import files and pages: the report of rows to fix carries full numbers and every download is recorded;
the preview page and the command line mask a number quoted in an error message."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from imports.models import ImportBatch
from imports.services import import_preview
from tests.imports.helpers import P3KE_ARGS, P3KE_LIST, row, spouse, xlsx
from tests.pageforms import links

pytestmark = pytest.mark.django_db

JOKO = row(
    id_keluarga_p3ke="P3KE-T-002",
    no_kk="6271052001000002",
    nik="6271050101900003",
    nama="Joko",
    tanggal_lahir="01/01/1990",
    kecamatan="Rakumpit",
    kelurahan="Petuk Bukit",
)


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_downloading_the_report_of_rows_to_fix_writes_one_access_row_naming_the_batch(client_as, cast, role):
    # Rudi's row is wrong (desil 9), so his wife's row is skipped with it: both come back in the report.
    data = xlsx([row(desil="9"), spouse(), JOKO])
    batch = import_preview(file_name="p3ke.xlsx", data=data, source="P3KE 2024", user=cast[role], **P3KE_LIST)
    client = client_as(role)
    page = client.get(reverse("imports:detail", args=[batch.pk]))
    report_url = reverse("imports:errors", args=[batch.pk])
    assert report_url in links(page.text)
    assert not AccessLog.objects.exists()  # the page itself shows no number
    response = client.get(report_url)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {str(cell) for cells in sheet.iter_rows(values_only=True) for cell in cells}
    # The full numbers stay in the report: it is used to correct the source spreadsheet.
    assert {"6271040506800001", "6271044506850002", "6271042001000001"} <= cells
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.kind, entry.field) == (cast[role], AccessLog.Kind.EXPORT, "nik")
    assert (entry.content_type, entry.object_id) == (ContentType.objects.get_for_model(ImportBatch), batch.pk)
    assert entry.object_repr == f"#{batch.pk} p3ke.xlsx"
    assert entry.detail == {
        "list": "import_errors",
        "file": f"perbaikan-impor-{batch.pk}.xlsx",
        "batch": batch.pk,
        "rows": 2,
        "full_numbers": True,
        "identity_numbers": 4,  # two rows, each with a NIK and a No. KK
    }
    access_page = client.get(reverse("audit:access"))
    assert "import_errors · 2 baris" in access_page.text


QUOTED = [
    row(nik="6271040506800001X"),  # a stray letter: the message quotes what was written
    row(id_keluarga_p3ke="P3KE-T-002", nik=6271050101900003, nama="Joko"),  # a number Excel stored as a number
]


def test_the_import_preview_masks_a_number_quoted_in_an_error_message(client_as, supervisor):
    batch = import_preview(file_name="p3ke.xlsx", data=xlsx(QUOTED), source="", user=supervisor, **P3KE_LIST)
    assert "6271040506800001X" in str(batch.errors)  # the report keeps what was written
    page = client_as("supervisor").get(reverse("imports:detail", args=[batch.pk]))
    assert "6271040506800001" not in page.text and "6271050101900003" not in page.text
    assert "6271••••••••0001X" in page.text and "6271••••••••0003" in page.text


def test_the_command_line_masks_a_number_quoted_in_an_error_message(tmp_path, city_admin):
    path = tmp_path / "p3ke.xlsx"
    path.write_bytes(xlsx(QUOTED))
    out = io.StringIO()
    call_command("import_households", str(path), "--user", city_admin.username, *P3KE_ARGS, "--dry-run", stdout=out)
    assert "baris 2: nik:" in out.getvalue()
    assert "6271040506800001" not in out.getvalue() and "6271050101900003" not in out.getvalue()
    assert "6271••••••••0001X" in out.getvalue()


def test_a_region_code_in_a_message_stays_readable_an_identity_number_does_not():
    from core.identity import mask_numbers_in

    text = "Kode wilayah 62.71.04.9999 tidak dikenal; NIK 6271040506800001; kode 6271011004"
    assert mask_numbers_in(text) == "Kode wilayah 62.71.04.9999 tidak dikenal; NIK 6271••••••••0001; kode 6271••1004"
