"""Streaming exports in constant memory: CSV row by row, XLSX through openpyxl's write-only mode.

Every cell of every CSV and workbook the app writes goes through `safe_cell` (CSV) or `append_row` (XLSX)."""

import csv
import datetime
import functools
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, F, Func, Model, Value, When
from django.db.models.functions import (
    Cast,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Left,
    Length,
    LPad,
    NullIf,
    Right,
)
from django.db.models.lookups import Exact, Regex
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django_filters import FilterSet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
TYPED = (int, float, Decimal, datetime.date, datetime.time)


def safe_cell(value: Any) -> Any:
    """One cell for a spreadsheet: never a formula (OWASP "CSV injection"), numbers and dates kept typed.

    Text that Excel, LibreOffice or Google Sheets could run — starting with = + - @ (also their full-width forms
    such as ＝, and after leading spaces) or with a tab or line break — gets a leading apostrophe, which makes it
    text. Only text: the number -5 stays a number, the text "-5" (from a text field) becomes "'-5".
    Lazy translations and anything else become text; an aware datetime becomes Jakarta time (Excel has no zones).
    """
    if value.__class__ is str:  # the common case first: a million-row export calls this 30 million times
        if value[:1].isalnum():
            return value
        text = value
    elif isinstance(value, str):
        text = value
    elif value is None or isinstance(value, TYPED):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value)
        return value
    else:
        text = str(value)
    first = text[:1]
    if not first or first.isalnum():  # most cells: nothing more to look at
        return text
    if first in ("\t", "\r", "\n"):
        return "'" + text
    first = text.lstrip()[:1]
    if not first.isascii():
        first = unicodedata.normalize("NFKC", first)[:1]
    return "'" + text if first in FORMULA_STARTS else text


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append a row to any workbook sheet (write-only or not), every value through `safe_cell`.

    openpyxl stores text as text unless it starts with "=" (which `safe_cell` never leaves) or is an error code
    such as "#N/A"; those, and text with control characters a workbook cannot hold, become explicit text cells."""
    row: list[Any] = []
    for value in map(safe_cell, values):
        if isinstance(value, str) and (value in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(value)):
            cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
            cell.data_type = "s"
            value = cell
        row.append(value)
    sheet.append(row)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """UTF-8 with BOM and semicolons: what Excel in an Indonesian locale opens as columns."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(
    rows: Iterable[Iterable[Any]],
    filename: str,
    sheet_title: str = "Data",
    *,
    table_head: bool = False,
    widths: Sequence[float] = (),
) -> FileResponse:
    """A list as a one-sheet workbook (core.xlsxstream), written to a temporary file, then sent; `table_head` and
    `widths` as in `xlsxstream.write`."""
    from core import xlsxstream  # it builds on this module's safe_cell

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    xlsxstream.write(handle, rows, sheet_title, table_head=table_head, widths=widths)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


def workbook_response(workbook: Workbook, filename: str) -> FileResponse:
    """Send a (write-only) workbook: saved to a temporary file, then streamed from it."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response


def labels(model: type[Model], name: str) -> dict[Any, str]:
    """A choice field's value -> its label in the current language, looked up once per export (Django's
    `get_FOO_display` rebuilds and translates the choices for every call: 89 % of a 1M-row export's time)."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}  # type: ignore[union-attr]


def stamped(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def filters_for_log(filterset: FilterSet) -> dict[str, Any]:
    """The filters of an export, as the access log keeps them: the list's own (validated) filters, never the
    search words (personal data) nor whatever else the URL carries."""
    return {k: v for k, v in filterset.data.items() if k in filterset.filters and k != "q"}


# The same cells computed by the database, for exports that PostgreSQL's COPY writes (millions of rows at
# database speed): each helper below is the SQL twin of a Python rule above, and tests compare the two
# paths cell by cell on hostile data.


@functools.cache
def _formula_pattern() -> str:
    """A regular expression (valid in PostgreSQL and Python) for the text `safe_cell` prefixes: a tab or line
    break first, or — after any whitespace `str.lstrip` removes — a character whose NFKC form starts with one
    of FORMULA_STARTS (= + - @ and their full-width, small and super/subscript forms)."""
    spaces, starts = [], []
    for code in range(0x110000):
        char = chr(code)
        if char.isspace():
            spaces.append(char)
        elif unicodedata.normalize("NFKC", char)[:1] in FORMULA_STARTS:
            starts.append(char)

    def members(chars: list[str]) -> str:
        return "".join("\\" + c if c in "\\]^-[" else c for c in chars)

    return f"^([\t\r\n]|[{members(spaces)}]*[{members(starts)}])"


def sql_safe(expression: Any) -> Case:
    """`safe_cell` for a text column: a leading apostrophe where the text could run as a formula; empty as NULL
    (COPY writes NULL as nothing and an empty string as "")."""
    text = NullIf(expression, Value(""))
    return Case(
        When(Regex(text, _formula_pattern()), then=Concat(Value("'"), text)), default=text, output_field=CharField()
    )


def sql_label(field: str, choices: dict[Any, str]) -> Case:
    """A choice column as its label (`labels`), an unknown code as itself — both formula-safe: the labels are
    made safe here, once, and only an unknown code is checked by the database."""
    return Case(
        *(When(**{field: value}, then=Value(safe_cell(label) or None)) for value, label in choices.items()),
        default=sql_safe(Cast(F(field), CharField())),
        output_field=CharField(),
    )


def sql_date(field: str) -> Case:
    """dd/mm/yyyy, NULL when there is no date (portable: PostgreSQL and SQLite)."""

    def part(extract: type[Func], width: int) -> Func:
        return LPad(Cast(extract(field), CharField()), width, Value("0"))

    return Case(
        When(**{f"{field}__isnull": True}, then=Value(None)),
        default=Concat(part(ExtractDay, 2), Value("/"), part(ExtractMonth, 2), Value("/"), part(ExtractYear, 4)),
        output_field=CharField(),
    )


def sql_mask(field: str) -> Case:
    """`core.identity.mask`: the first and last four digits of a 16-digit number."""
    return Case(
        When(
            Exact(Length(field), 16),
            then=Concat(Left(field, 4), Value("\u2022" * 8), Right(field, 4), output_field=CharField()),
        ),
        default=F(field),
        output_field=CharField(),
    )
