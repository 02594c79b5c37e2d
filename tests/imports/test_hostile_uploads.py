"""Hostile uploads (issue 11, item 4): an .xlsx whose one cell unpacks to 1.1 GB, one whose row holds
tens of millions of cells, one with 1.1 GB of shared strings, and a CSV of one endless line. Each is
refused with a message in Indonesian before it can fill memory, nothing is stored, and a child process
reading it stays under 300 MB. Files at the limits are still accepted.

The bombs are built here, small and fast: deflate output after a full flush depends on nothing before it,
so one compressed megabyte is repeated instead of compressing a gigabyte.
"""

import datetime
import html
import importlib.util
import io
import json
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from households.models import Household, Person
from imports import jobs as import_jobs
from imports import reader
from imports.models import ImportBatch
from tests.imports.helpers import HEADER, P3KE_ARGS, row, spouse, upload, xlsx

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20
PEAK_MB = 300  # what reading any upload may take, the Python process included
CHILD_CAP = 600 * MB  # address space of the child: a regression fails there instead of eating the machine
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# --- building bombs ------------------------------------------------------------------------------------

Member = tuple[str, bytes, int, int]  # name, deflated bytes, CRC-32, unpacked size


def deflated(name: str, head: bytes, body: bytes = b"", repeat: int = 0, tail: bytes = b"") -> Member:
    """A zip member holding head + body × repeat + tail, with body compressed only once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(body) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(repeat):
        crc = zlib.crc32(body, crc)
    return name, start + block * repeat + end, zlib.crc32(tail, crc), len(head) + len(body) * repeat + len(tail)


def packed(members: list[Member]) -> bytes:
    """A zip file of deflated members (zipfile itself would compress every byte)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        fields = (8, 0, 0x21, crc, len(data), size, len(encoded))  # deflate, 00:00 01/01/1980
        out.write(struct.pack("<IHH" + "HHHIIIH", 0x04034B50, 20, 0, *fields) + b"\0\0" + encoded + data)
        directory.write(
            struct.pack("<IHHH" + "HHHIIIH", 0x02014B50, 20, 20, 0, *fields)
            + struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset)
            + encoded
        )
    listing = directory.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(listing), out.tell(), 0)
    return out.getvalue() + listing + end


def bench_module():
    """bench/generate_import.py: the benchmark's file writer, which writes .xlsx files as Excel does."""
    spec = importlib.util.spec_from_file_location("generate_import", ROOT / "bench/generate_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workbook(*replaced: Member) -> bytes:
    """An .xlsx laid out as Excel saves one (shared strings, styles, relationships), with the given parts."""
    excel = bench_module()
    parts = {
        "[Content_Types].xml": excel.CONTENT_TYPES,
        "_rels/.rels": excel.ROOT_RELS,
        "xl/workbook.xml": excel.WORKBOOK,
        "xl/_rels/workbook.xml.rels": excel.WORKBOOK_RELS,
        "xl/styles.xml": excel.STYLES,
        STRINGS: f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"></sst>',
        SHEET: SHEET_HEAD + SHEET_TAIL,
    }
    names = {member[0] for member in replaced}
    kept = [deflated(name, text.encode()) for name, text in parts.items() if name not in names]
    return packed(kept + list(replaced))


def inline(column: int, row_number: int, text: str) -> str:
    return f'<c r="{get_column_letter(column)}{row_number}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + "".join(inline(i, 1, name) for i, name in enumerate(HEADER, start=1)) + "</row>"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{HEADER_ROW}'
SHEET_TAIL = "</sheetData></worksheet>"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
# The header as references to the first shared strings.
SHARED_HEAD = SHEET_HEAD.replace(
    HEADER_ROW,
    '<row r="1">'
    + "".join(f'<c r="{get_column_letter(i)}1" t="s"><v>{i - 1}</v></c>' for i in range(1, len(HEADER) + 1))
    + "</row>",
)


def sheet(rows: str, *, head: str = SHEET_HEAD) -> Member:
    return deflated(SHEET, (head + rows + SHEET_TAIL).encode())


def cell_bomb(megabytes: int = 1100) -> bytes:
    """One cell of `megabytes` of text, as in the review: 1.1 GB in a file of about a megabyte."""
    return workbook(
        deflated(
            SHEET,
            (SHEET_HEAD + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode(),
            b"A" * MB,
            megabytes,
            ("</t></is></c></row>" + SHEET_TAIL).encode(),
        )
    )


def row_bomb() -> bytes:
    """One row of 77 million cells (1.1 GB unpacked); without references, so no column letter betrays them."""
    return workbook(
        deflated(
            SHEET,
            (SHEET_HEAD + '<row r="2">').encode(),
            b"<c><v>1</v></c>" * 70_000,
            1100,
            b"</row>" + SHEET_TAIL.encode(),
        )
    )


def shared_strings_bomb() -> bytes:
    """1.1 GB of shared strings (a thousand 1,000-character texts per megabyte) behind a two-row sheet."""
    header = "".join(f"<si><t>{name}</t></si>" for name in HEADER)
    strings = deflated(
        STRINGS,
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{header}'.encode(),
        (b"<si><t>" + b"A" * 1000 + b"</t></si>") * 1000,
        1100,
        b"</sst>",
    )
    return workbook(strings, sheet(f'<row r="2"><c r="A2" t="s"><v>{len(HEADER)}</v></c></row>', head=SHARED_HEAD))


def csv_line_bomb() -> bytes:
    """A CSV just under the upload limit whose second line is 6.9 million fields long."""
    return (",".join(HEADER) + "\n").encode() + b"ab," * (20 * MB // 3 - 100)


BOMBS = {
    "cell": ("bom-sel.xlsx", cell_bomb, "terlalu besar setelah dibuka"),
    "row": ("bom-baris.xlsx", row_bomb, "terlalu besar setelah dibuka"),
    "shared_strings": ("bom-teks.xlsx", shared_strings_bomb, "terlalu besar setelah dibuka"),
    "csv_line": ("bom.csv", csv_line_bomb, "terlalu panjang"),
}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for kind, (name, build, _message) in BOMBS.items():
        paths[kind] = folder / name
        paths[kind].write_bytes(build())
    return paths


def test_the_bombs_are_what_the_review_describes(bombs):
    for kind, part in [("cell", SHEET), ("row", SHEET), ("shared_strings", STRINGS)]:
        archive = zipfile.ZipFile(bombs[kind])
        assert bombs[kind].stat().st_size < 3 * MB
        assert archive.getinfo(part).file_size > 1_100_000_000
        with archive.open(part) as opened:
            assert opened.read(4 * MB).startswith(b"<?xml")  # a zip that unpacks
    assert 19 * MB < bombs["csv_line"].stat().st_size < 20 * MB


# --- the upload page, as a user reaches it -------------------------------------------------------------


@contextmanager
def capped_memory():
    """Bombs are read in this process too: a regression must fail the test (MemoryError), not exhaust
    the machine. The cap is lifted before pytest reports the failure."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status").read_text().splitlines()
    in_use = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 1024 * MB, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(autouse=True)
def _checked_in_the_request(monkeypatch):
    """These files are checked in the request, where the page answers at once; files over INLINE_BYTES go
    through the same reader in a background job (tests/jobs/test_import_jobs.py sends a bomb that way)."""
    monkeypatch.setattr(import_jobs, "INLINE_BYTES", 10**9)


def upload_through_page(client, name: str, data: bytes):
    """Load the upload page and submit the file form it renders, with the file in its file field."""
    with capped_memory():
        return upload(client, data, name)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def nothing_stored() -> bool:
    return not ImportBatch.objects.exists() and not Household.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("kind", BOMBS)
def test_a_bomb_is_refused_on_the_upload_page_with_a_message_and_nothing_is_stored(kind, bombs, client_as):
    name, _build, message = BOMBS[kind]
    response = upload_through_page(client_as("supervisor"), name, bombs[kind].read_bytes())
    assert response.status_code == 200
    assert message in page_text(response)
    assert nothing_stored()


def test_the_command_line_refuses_a_bomb_with_its_message_and_stores_nothing(bombs, city_admin):
    with capped_memory(), pytest.raises(CommandError, match="terlalu besar setelah dibuka"):
        call_command("import_households", str(bombs["cell"]), "--user", city_admin.username, *P3KE_ARGS, "--dry-run")
    assert nothing_stored()


# --- memory, measured in a child process ---------------------------------------------------------------

CHILD = """
import json, resource, sys
from pathlib import Path

resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
import django

django.setup()
from django.conf import settings
from imports import reader

if sys.argv[4] == "relaxed":  # the zip directory's checks off: only what is counted while reading stands
    settings.IMPORT_MAX_UNPACKED_BYTES = 1 << 40
    reader.MAX_RATIO = 1 << 40
try:
    for _row in reader.read_rows(sys.argv[1], Path(sys.argv[2]).read_bytes()):
        pass
    refused = None
except reader.FileError as error:
    refused = str(error)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"refused": refused, "peak_mb": peak // 1024}))
"""


def read_in_child(path: Path, name: str, mode: str = "default") -> dict:
    """Read a file as the upload page does, in a child process whose address space is capped; its
    message and peak resident memory (VmHWM: this process alone, not the parent it was forked from)."""
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(path), str(CHILD_CAP), mode],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "poverty.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.splitlines()[-1])


@pytest.mark.parametrize("kind", BOMBS)
def test_reading_a_bomb_is_refused_and_stays_under_300_mb(kind, bombs):
    name, _build, message = BOMBS[kind]
    result = read_in_child(bombs[kind], name)
    assert result["refused"] and message in result["refused"]
    assert result["peak_mb"] <= PEAK_MB


@pytest.mark.parametrize(
    ("kind", "message"),
    [("cell", "lebih dari 32.767 karakter"), ("row", "lebih dari 200 kolom")],
)
def test_the_limits_counted_while_reading_hold_even_without_the_zip_checks(kind, message, bombs):
    name, _build, _message = BOMBS[kind]
    result = read_in_child(bombs[kind], name, "relaxed")
    assert result["refused"] and message in result["refused"]
    assert result["peak_mb"] <= PEAK_MB


def test_a_normal_large_file_reads_in_a_child_under_300_mb(tmp_path):
    """A 10,000-row file as Excel writes it (shared strings, a dimension) reads whole, within the bound."""
    excel = bench_module()
    path = tmp_path / "p3ke.xlsx"
    excel.write_like_excel(path, excel.HEADER, excel.rows(10_000))
    result = read_in_child(path, "p3ke.xlsx")
    assert result["refused"] is None
    assert result["peak_mb"] <= PEAK_MB


# --- parse once ----------------------------------------------------------------------------------------


def test_the_dry_run_reads_the_file_once_and_its_report_keeps_the_rows_as_written(client_as):
    rows = [row(nik=6271040506800001), spouse(), row(id_keluarga_p3ke="P3KE-T-009", no_kk="6271042001000009",
            nik="6271040101900009", nama="Joko", tanggal_lahir="01/01/1990")]  # fmt: skip
    client = client_as("supervisor")
    with mock.patch("imports.planner.read_rows", wraps=reader.read_rows) as read:
        upload_through_page(client, "p3ke.xlsx", xlsx(rows))
    assert read.call_count == 1
    batch = ImportBatch.objects.get()
    assert [(entry["row"], entry["values"][3]) for entry in batch.errors] == [(2, "Rudi Hartono"), (3, "Siti Aminah")]
    assert batch.errors[0]["values"][2] == 6271040506800001  # the number Excel stored, as it was
    assert "Dilewati" in batch.errors[1]["problems"][0][1]


# --- the limits themselves ------------------------------------------------------------------------------


def wide_workbook(columns: int, long_cell: int, rows_count: int = 2) -> bytes:
    """The header plus unknown columns up to `columns`; the last column of each row holds `long_cell` characters."""
    header = HEADER + [f"catatan_{i}" for i in range(len(HEADER) + 1, columns + 1)]
    family = [row(), spouse(), row(nik="6271040101100003", nama="Anak", tanggal_lahir="01/01/2010",
              hubungan_keluarga="Anak")]  # fmt: skip
    lines = ['<row r="1">' + "".join(inline(i, 1, name) for i, name in enumerate(header, start=1)) + "</row>"]
    for number, values in enumerate(family[:rows_count], start=2):
        cells = [values.get(name) for name in header[:-1]] + ["x" * long_cell]
        lines.append(
            f'<row r="{number}">'
            + "".join(inline(i, number, value) for i, value in enumerate(cells, start=1) if value is not None)
            + "</row>"
        )
    dimension = f'<dimension ref="A1:{get_column_letter(columns)}{rows_count + 1}"/>'
    return workbook(
        sheet("".join(lines), head=SHEET_HEAD.replace(HEADER_ROW, "").replace("<sheetData>", dimension + "<sheetData>"))
    )


def test_a_file_just_under_every_limit_is_accepted_and_imports(client_as, settings):
    data = wide_workbook(columns=200, long_cell=32_767)
    settings.IMPORT_MAX_ROWS = 2
    settings.IMPORT_MAX_UNPACKED_BYTES = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    client = client_as("supervisor")
    response = upload_through_page(client, "p3ke.xlsx", data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302, page_text(response)
    assert batch.summary["persons"]["new"] == 2 and batch.summary["error_rows"] == 0
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("columns", "long_cell", "rows_count", "unpacked_slack", "message"),
    [
        (201, 10, 2, 0, "lebih dari 200 kolom"),
        (200, 32_768, 2, 0, "lebih dari 32.767 karakter"),
        (200, 10, 3, 0, "lebih dari 2 baris data"),
        (200, 10, 2, -1, "terlalu besar setelah dibuka"),
    ],
    ids=["columns", "cell", "rows", "unpacked"],
)
def test_one_past_a_limit_is_refused_and_nothing_is_stored(
    columns, long_cell, rows_count, unpacked_slack, message, client_as, settings
):
    data = wide_workbook(columns=columns, long_cell=long_cell, rows_count=rows_count)
    settings.IMPORT_MAX_ROWS = 2
    unpacked = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    settings.IMPORT_MAX_UNPACKED_BYTES = unpacked + unpacked_slack
    response = upload_through_page(client_as("supervisor"), "p3ke.xlsx", data)
    assert message in page_text(response)
    assert nothing_stored()


def test_a_part_that_expands_a_thousandfold_is_refused_before_it_is_read(client_as):
    response = upload_through_page(client_as("supervisor"), "p3ke.xlsx", cell_bomb(megabytes=50))
    assert "mengembang 1.0" in page_text(response) and "kali saat dibuka" in page_text(response)
    assert nothing_stored()


def test_a_declared_sheet_size_or_a_row_number_beyond_the_limits_is_refused(client_as):
    client = client_as("supervisor")
    wide = sheet("", head=SHEET_HEAD.replace("<sheetData>", '<dimension ref="A1:XFD3"/><sheetData>'))
    response = upload_through_page(client, "p3ke.xlsx", workbook(wide))
    assert "Lembar kerja berisi lebih dari 200 kolom" in page_text(response)
    long = sheet("", head=SHEET_HEAD.replace("<sheetData>", '<dimension ref="A1:N1048576"/><sheetData>'))
    response = upload_through_page(client, "p3ke.xlsx", workbook(long))
    assert "lebih dari 200.000 baris" in page_text(response)
    far = sheet('<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    response = upload_through_page(client, "p3ke.xlsx", workbook(far))
    assert "lebih dari 200.000 baris" in page_text(response)
    assert nothing_stored()


def test_the_shared_strings_are_bounded_by_their_size_and_by_the_memory_they_take(client_as, settings):
    settings.IMPORT_MAX_SHARED_STRINGS_BYTES = MB
    client = client_as("supervisor")
    header = "".join(f"<si><t>{name}</t></si>" for name in HEADER)
    grid = sheet("", head=SHARED_HEAD)

    def with_strings(texts: list[str]) -> bytes:
        table = header + "".join(f"<si><t>{text}</t></si>" for text in texts)
        xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{table}</sst>'
        return workbook(deflated(STRINGS, xml.encode()), grid)

    big = with_strings([os.urandom(32).hex() for _ in range(19_500)])  # 1.5 MB of part, over 1 MB
    refusal = page_text(upload_through_page(client, "a.xlsx", big))
    assert "Isi berkas .xlsx terlalu besar setelah dibuka (1,5 MB; batasnya 1 MB)" in refusal
    small = with_strings([os.urandom(4).hex() for _ in range(40_000)])  # 0.9 MB of part, 2.6 MB in memory
    assert "Teks di berkas .xlsx terlalu besar" in page_text(upload_through_page(client, "b.xlsx", small))
    longest = with_strings(["x" * 32_768])
    assert "lebih dari 32.767 karakter" in page_text(upload_through_page(client, "c.xlsx", longest))
    assert nothing_stored()


def test_a_zip_of_too_many_parts_is_refused(client_as):
    data = workbook(*[deflated(f"xl/media/{i}.bin", b"") for i in range(1001)])
    response = upload_through_page(client_as("supervisor"), "p3ke.xlsx", data)
    assert "terlalu banyak bagian" in page_text(response)
    assert nothing_stored()


def test_a_csv_with_a_long_line_too_many_columns_or_a_long_cell_is_refused(client_as):
    client = client_as("supervisor")
    header = ",".join(HEADER) + "\n"
    cases = [
        (header + '"' + "a" * 140_000 + '"\n', "Baris 2 berkas CSV terlalu panjang"),
        (header + ",".join(["x"] * 201) + "\n", "Baris 2 berisi lebih dari 200 kolom"),
        (header + "x" * 32_768 + "\n", "Sel di baris 2 berisi lebih dari 32.767 karakter"),
        (header + '"' + "a\n" * 70_000 + '"\n', "Baris 2 berkas CSV terlalu panjang"),  # one field over many lines
    ]
    for text, message in cases:
        assert message in page_text(upload_through_page(client, "p3ke.csv", text.encode()))
    assert nothing_stored()


def test_the_template_states_the_limits(client_as, settings):
    settings.IMPORT_MAX_COLUMNS = 150
    response = client_as("supervisor").get(reverse("imports:template"))
    guide = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Petunjuk"]
    text = " ".join(str(cell) for line in guide.iter_rows(values_only=True) for cell in line if cell)
    assert "20 MB" in text and "200.000 baris" in text and "150 kolom" in text and "32.767 karakter" in text


def test_the_reader_gives_what_openpyxl_gives_for_ordinary_workbooks(tmp_path):
    """Dates, numbers, booleans, text with markup characters, formulas, cells far apart; rows as numbered."""
    book = Workbook()
    grid = book.active
    grid.append(["nama", "tgl", "angka", "pecahan", "ya", None, "rumus"])
    grid.append(["Rudi & <Sons>", datetime.date(1980, 6, 5), 6271040506800001, 1.5, True, None, "=1+1"])
    grid.cell(row=9, column=30, value="jauh")
    buffer = io.BytesIO()
    book.save(buffer)

    def trimmed(cells) -> list:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        return cells

    excel = bench_module()
    path = tmp_path / "excel.xlsx"
    excel.write_like_excel(path, excel.HEADER, excel.rows(200))  # shared strings and styles, as Excel saves
    for data in (buffer.getvalue(), path.read_bytes()):
        rows = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active.values
        expected = {number: trimmed(cells) for number, cells in enumerate(rows, start=1) if trimmed(cells)}
        got = {number: trimmed(cells) for number, cells in reader.read_rows("a.xlsx", data)}
        assert {number: cells for number, cells in got.items() if cells} == expected
    got = dict(reader.read_rows("a.xlsx", buffer.getvalue()))
    assert got[2][1] == datetime.datetime(1980, 6, 5) and got[9][29] == "jauh"


def test_numbers_no_cell_can_hold_are_row_errors_and_the_report_is_saved(client_as):
    """1e999 is infinity to Python (and desil crashed on it); 5,000 digits exceed int()'s own limit."""
    cells = [row(desil="1e999", tanggal_lahir="1" * 5000)[name] for name in HEADER]
    xml = '<row r="2">' + "".join(inline(i, 2, value) for i, value in enumerate(cells, start=1))
    xml += '<c r="O2"><v>1e999</v></c></row>'  # a number cell beyond the known columns, kept for the report
    header = SHEET_HEAD.replace("</row>", inline(15, 1, "catatan") + "</row>", 1)
    response = upload_through_page(client_as("supervisor"), "p3ke.xlsx", workbook(sheet(xml, head=header)))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    problems = dict(batch.errors[0]["problems"])
    assert "bukan angka" in problems["desil"] and "tidak dikenali" in problems["tanggal_lahir"]
    assert batch.errors[0]["values"][14] == "inf"
