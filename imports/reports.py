"""Spreadsheets the office downloads: the import template and the report of rows to fix."""

import tempfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.exports import append_row
from imports import cleaning
from imports.columns import COLUMNS, match_header
from imports.models import Bucket, ImportBatch, Reconciliation, ReconciliationDecision
from imports.reader import megabytes, thousands

EXAMPLE = {
    "id_keluarga_p3ke": "P3KE-6271-00001",
    "no_kk": "6271042001000001",
    "nik": "6271040506800001",
    "nama": "Rudi Hartono",
    "jenis_kelamin": "L",
    "tanggal_lahir": "05/06/1980",
    "tempat_lahir": "Palangka Raya",
    "hubungan_keluarga": "Kepala Keluarga",
    "kecamatan": "Sabangau",
    "kelurahan": "Kameloh Baru",
    "kode_wilayah": "62.71.04.1004",
    "alamat": "Jl. Mahir Mahar No. 9",
    "rt": "003",
    "rw": "001",
    "desil": "1",
    "status_miskin_ekstrem": "Ya",
    "pekerjaan": "Buruh harian lepas",
    "pendidikan": "SD",
    "status_kepemilikan_rumah": "Milik sendiri",
    "jenis_lantai": "Tanah",
    "jenis_dinding": "Anyaman bambu",
    "jenis_atap": "Seng",
    "sumber_penerangan": "Listrik PLN non meteran",
    "bahan_bakar_memasak": "Kayu bakar/arang",
    "sumber_air_minum": "Sumur bor/pompa",
    "fasilitas_bab": "Tidak ada",
}


def _save(workbook: Workbook):
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to FileResponse, which closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def template_workbook():
    """The import template: a data sheet with the header (as text columns) and a sheet explaining each column."""
    workbook = Workbook()
    data = workbook.active
    assert isinstance(data, Worksheet)  # a new workbook opens on its one worksheet
    data.title = "Data"
    append_row(data, [column.key for column in COLUMNS])
    append_row(data, [EXAMPLE.get(column.key, "") for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        # Text format for the whole column (and the example row): Excel then keeps all 16 digits of a NIK typed
        # or pasted into any row. (Formatting 1,000 rows cell by cell took 1.5 s per download.)
        dimension = data.column_dimensions[get_column_letter(index)]
        dimension.width = max(14, len(column.key) + 2)
        dimension.number_format = "@"
        data.cell(row=1, column=index).font = Font(bold=True)
        data.cell(row=2, column=index).number_format = "@"
    guide = workbook.create_sheet(_("Petunjuk"))
    append_row(guide, [_("Kolom"), _("Isi"), _("Nilai yang boleh"), _("Wajib"), _("Nama lain yang dikenali")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        append_row(
            guide,
            [
                column.key,
                str(column.description),
                str(column.allowed),
                _("ya") if column.required else "",
                ", ".join(column.aliases),
            ],
        )
    append_row(guide, [])
    for line in (
        _("Satu baris untuk satu orang; data keluarga (kolom rumah tangga) diulang di setiap anggota."),
        _("NIK dan No. KK harus diketik sebagai Teks. Angka yang diubah Excel (mis. 6,27104E+15) ditolak."),
        _("Tanggal: dd/mm/yyyy (mis. 05/06/1980)."),
        _("Isi ID keluarga P3KE atau No. KK agar anggota satu keluarga dikelompokkan."),
        _(
            "Daftar DTSEN: kolom yang dikenali antara lain nomor_induk_kependudukan (NIK), nomor_kartu_keluarga "
            "(No. KK), nama, alamat, kode_desa atau kode_wilayah (Kemendagri atau BPS), desil_nasional atau "
            "peringkat (1-10). Saat mengunggah, pilih Jenis daftar DTSEN dan tanggal daftar itu: desil disimpan "
            "sebagai peringkat DTSEN per tanggal tersebut, tanpa menghapus peringkat daftar sebelumnya."
        ),
        _(
            "Wilayah: isi nama kelurahan, atau kode_wilayah dengan kode kelurahan Kemendagri (62.71.04.1004, "
            "Kepmendagri 300.2.2-2138/2025) atau BPS (6271010004); boleh bercampur dalam satu berkas. Kode "
            "Kemendagri tanpa titik bisa sama dengan kode BPS kelurahan lain: tulis dengan titik, atau isi juga "
            "kolom kelurahan. Bila keduanya diisi, keduanya harus menunjuk kelurahan yang sama."
        ),
        _("Kolom lain yang tidak dikenal diabaikan dan disebutkan di pratinjau."),
        _(
            "Batas berkas: paling besar %(size)s MB (isi .xlsx setelah dibuka paling besar %(unpacked)s MB), "
            "%(rows)s baris data, %(columns)s kolom, %(chars)s karakter per sel. Berkas yang lebih besar ditolak; "
            "bagi menjadi beberapa berkas."
        )
        % {
            "size": megabytes(settings.IMPORT_MAX_BYTES),
            "unpacked": megabytes(settings.IMPORT_MAX_UNPACKED_BYTES),
            "rows": thousands(settings.IMPORT_MAX_ROWS),
            "columns": thousands(settings.IMPORT_MAX_COLUMNS),
            "chars": thousands(settings.IMPORT_MAX_CELL_CHARS),
        },
    ):
        append_row(guide, [line])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 40
    guide.column_dimensions["C"].width = 60
    return _save(workbook)


def error_workbook(batch: ImportBatch):
    """The rows to fix, as they were in the file, with what is wrong in an extra column."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Perlu diperbaiki")
    header = list(batch.summary.get("header") or [])
    append_row(sheet, [*header, _("baris_asal"), _("kesalahan")])
    for entry in batch.errors:
        problems = "; ".join(f"{column}: {message}" if column else message for column, message in entry["problems"])
        values = list(entry["values"]) + [None] * max(0, len(header) - len(entry["values"]))
        append_row(sheet, [*values[: len(header)], entry["row"], problems])
    return _save(workbook)


def identity_numbers_in(batch: ImportBatch) -> int:
    """How many NIK / No. KK cells the report of rows to fix carries (the access log records it)."""
    found = match_header(list(batch.summary.get("header") or []))
    if found is None:
        return 0
    columns = [index for index, key in found[0].items() if key in ("nik", "no_kk")]
    return sum(
        1
        for entry in batch.errors
        for index in columns
        if index < len(entry["values"]) and not cleaning.is_blank(entry["values"][index])
    )


RECONCILIATION_HEADER = [
    "daftar", "per_tanggal", "kelompok", "kecamatan", "kelurahan", "id_rumah_tangga", "kepala_keluarga",
    "desil_daftar_sebelumnya", "desil_daftar_ini", "keterangan", "keputusan", "alasan", "diputuskan_oleh",
    "diputuskan_pada", "usulan_dtsen",
]  # fmt: skip


def reconciliation_rows(reconciliation: Reconciliation) -> Iterator[list[Any]]:
    """Every row of the list's reconciliation with its decision, the header first: plain values from one joined
    query, read in chunks. Identity numbers in the details are masked when the rows are computed."""
    buckets = dict(Bucket.choices)
    decisions = dict(ReconciliationDecision.Choice.choices)
    yield RECONCILIATION_HEADER
    rows = reconciliation.rows.order_by("id").values_list(
        "bucket",
        "kelurahan__kecamatan__name",
        "kelurahan__name",
        "household_id",
        "household__head_name",
        "desil_before",
        "desil_after",
        "detail",
        "decision__decision",
        "decision__reason",
        "decision__decided_by__first_name",
        "decision__decided_by__last_name",
        "decision__decided_by__username",
        "decision__decided_at",
        "decision__proposal_id",
    )
    source, as_of = reconciliation.get_source_display(), reconciliation.as_of
    for (
        bucket,
        kecamatan,
        kelurahan,
        household,
        head,
        before,
        after,
        detail,
        decision,
        reason,
        *by,
        at,
        proposal,
    ) in rows.iterator(chunk_size=2000):
        first, last, username = by
        decided_by = f"{first or ''} {last or ''}".strip() or username or ""
        yield [
            source, as_of, str(buckets.get(bucket, bucket)), kecamatan or "", kelurahan or "", household, head or "",
            before, after, detail, str(decisions[decision]) if decision else "", reason or "", decided_by,
            timezone.localtime(at) if at else None, proposal,
        ]  # fmt: skip
