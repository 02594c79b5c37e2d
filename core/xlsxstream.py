"""A one-sheet XLSX written as a stream, for list exports of any length (1M rows in about a minute, memory flat).

openpyxl's write-only mode builds a cell object per value: ≈ 500 s for the 1M-person registry on the project's
machine. Here each row becomes its XML text at once (inline strings, no shared-string table, no per-cell
objects) and goes straight into the zip. Only what a list needs: text, numbers and booleans in one sheet, no
styles or formulas — every value passes `safe_cell` (formula-safe, as in CSV), and text is always a string
cell, so nothing a user typed can become a formula. Files are read back with openpyxl in the tests.
"""

import datetime
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.exports import safe_cell

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = (
    HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
PACKAGE_RELS = (
    HEAD + f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    HEAD + f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    HEAD + f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
ROWS_PER_WRITE = 500


def _text(text: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters XML cannot hold
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text.translate(ESCAPE)}</t></is></c>'


def cell(value: Any) -> str:
    kind = value.__class__
    if kind is str and value[:1].isalnum():  # safe_cell's own fast path, inlined (30 million calls per 1M rows)
        return _text(value)
    if kind is int:
        return f"<c><v>{value}</v></c>"
    value = safe_cell(value)
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal) or (isinstance(value, float) and value == value and abs(value) != float("inf")):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime.datetime):
        return _text(value.strftime("%d/%m/%Y %H:%M"))
    if isinstance(value, datetime.date):
        return _text(value.strftime("%d/%m/%Y"))
    return _text(str(value))


def write(
    target: str | Path | IO[bytes], rows: Iterable[Iterable[Any]], title: str, step: Callable[[int], None] | None = None
) -> int:
    """Write `rows` (the header first) as a one-sheet workbook to `target`; returns the number of data rows.
    `step(n)` is told of every ROWS_PER_WRITE data rows written."""
    name = (title.translate(SHEET_NAME_FORBIDDEN)[:31] or "Data").translate(ESCAPE).replace('"', "&quot;")
    workbook = (
        HEAD + f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    count = 0
    iterator = iter(rows)
    header = next(iterator, None)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            if header is not None:
                sheet.write(("<row>" + "".join(map(cell, header)) + "</row>").encode())
            batch: list[str] = []
            for row in iterator:
                batch.append("<row>" + "".join(map(cell, row)) + "</row>")
                if len(batch) == ROWS_PER_WRITE:
                    count += _flush(sheet, batch, step)
            count += _flush(sheet, batch, step)
            sheet.write(b"</sheetData></worksheet>")
    return count


def _flush(sheet: IO[bytes], batch: list[str], step: Callable[[int], None] | None) -> int:
    written = len(batch)
    sheet.write("".join(batch).encode())
    batch.clear()
    if step is not None and written:
        step(written)
    return written
