"""Spreadsheets for import tests, written the way offices' files arrive."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.pageforms import page_form

P3KE_LIST = {"list_kind": "p3ke", "as_of": datetime.date(2024, 1, 15)}  # a service's arguments for a P3KE file
P3KE_ARGS = ["--list", "p3ke", "--as-of", "2024-01-15"]  # the same for import_households
HEADER = [
    "id_keluarga_p3ke", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga",
    "kecamatan", "kelurahan", "alamat", "rt", "rw", "desil", "status_miskin_ekstrem",
]  # fmt: skip


def row(**overrides) -> dict:
    values = {
        "id_keluarga_p3ke": "P3KE-T-001",
        "no_kk": "6271042001000001",
        "nik": "6271040506800001",
        "nama": "Rudi Hartono",
        "jenis_kelamin": "L",
        "tanggal_lahir": "05/06/1980",
        "hubungan_keluarga": "Kepala Keluarga",
        "kecamatan": "Sabangau",
        "kelurahan": "Kameloh Baru",
        "alamat": "Jl. Mahir Mahar No. 9",
        "rt": "3",
        "rw": "1",
        "desil": "1",
        "status_miskin_ekstrem": "Ya",
    }
    values.update(overrides)
    return values


def spouse(**overrides) -> dict:
    return row(nik="6271044506850002", nama="Siti Aminah", jenis_kelamin="P", tanggal_lahir="05/06/1985",
               hubungan_keluarga="Istri", **overrides)  # fmt: skip


def xlsx(rows: list[dict], *, header: list[str] | None = None, title_rows: list[list] | None = None) -> bytes:
    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows or []:
        sheet.append(title)
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    for values in rows:
        writer.writerow([values.get(name, "") for name in HEADER])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def date(day: int, month: int, year: int) -> datetime.date:
    return datetime.date(year, month, day)


def upload(client, data: bytes, name: str = "p3ke.xlsx", *, follow: bool = False, **fields):
    """Upload a file as the office does: the upload page's form as rendered, the file chosen, the list named
    (DTSEN as of today unless `fields` says otherwise)."""
    form = page_form(client.get(reverse("imports:upload")), containing="file")
    form["source"] = "P3KE 2024"
    form["list_kind"] = "dtsen"
    form["as_of"] = datetime.date.today().strftime("%d/%m/%Y")
    for field_name, value in fields.items():
        form[field_name] = value
    return form.submit(client, files={"file": SimpleUploadedFile(name, data)}, follow=follow)
