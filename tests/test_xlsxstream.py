"""The streaming workbook writer, read back by an independent reader (openpyxl)."""

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from core import xlsxstream


def read_back(rows, title="Registri"):
    buffer = io.BytesIO()
    count = xlsxstream.write(buffer, rows, title)
    buffer.seek(0)
    workbook = load_workbook(buffer, read_only=True)
    sheet = workbook.worksheets[0]
    return count, sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_values_come_back_typed_and_nothing_becomes_a_formula():
    hostile = [
        "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "＝1+1", "\t=1", "a & b < c > d", "\"quoted\"",
        "line\nbreak", "bell\x07char", "Dayak Ngaju: Tamanggung ✓", "#N/A", "", None, 12345678901234567890,
        -5, 3.25, float("nan"), True, Decimal("150000"), datetime.date(2026, 11, 29),
    ]  # fmt: skip
    count, _title, rows = read_back([["kolom"] * len(hostile), hostile])
    assert count == 1
    assert rows[1] == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "'＝1+1", "'\t=1", "a & b < c > d", "\"quoted\"",
        "line\nbreak", "bell\ufffdchar", "Dayak Ngaju: Tamanggung ✓", "#N/A", None, None, 12345678901234567890,
        -5, 3.25, "nan", True, 150000, "29/11/2026",
    ]  # fmt: skip


def test_many_rows_the_header_and_the_sheet_name():
    steps = []
    buffer = io.BytesIO()
    count = xlsxstream.write(buffer, [["a", "b"], *([i, f"r{i}"] for i in range(1234))], "Data: [x]/y?", steps.append)
    assert count == 1234 and sum(steps) == 1234
    buffer.seek(0)
    sheet = load_workbook(buffer, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "Data_ _x__y_" and rows[0] == ("a", "b") and len(rows) == 1235
    assert rows[-1] == (1233, "r1233")


def test_an_empty_list_is_a_workbook_with_only_its_header():
    assert read_back([["nik", "nama"]]) == (0, "Registri", [["nik", "nama"]])


def test_a_table_head_is_bold_frozen_and_filters_every_row_and_a_plain_list_has_none_of_it():
    buffer = io.BytesIO()
    rows = [["nik", "nama"], *([f"62710{i}", f"Nama {i}"] for i in range(600))]
    xlsxstream.write(buffer, rows, "Usulan 'A' & B", table_head=True, widths=[20, 30.5])
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B601"
    assert sheet["A1"].font.b and sheet["B1"].font.b and not sheet["A2"].font.b
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (20, 30.5)
    assert sheet["B601"].value == "Nama 599"
    # The defined name Excel keeps with a filter, quoting the sheet's name (openpyxl reads it as the filter).
    workbook = zipfile.ZipFile(buffer).read("xl/workbook.xml").decode()
    assert ">'Usulan ''A'' &amp; B'!$A$1:$B$601</definedName>" in workbook

    buffer = io.BytesIO()
    xlsxstream.write(buffer, rows[:3], "Registri")
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    assert sheet.freeze_panes is None and sheet.auto_filter.ref is None and not sheet["A1"].font.b
