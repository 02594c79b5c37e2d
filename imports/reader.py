"""Reading .xlsx (streaming, openpyxl read-only) and .csv (comma or semicolon; UTF-8 with or without
BOM, or Windows-1252) into rows of cell values, numbered as the spreadsheet numbers them."""

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _


class FileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


def extension(file_name: str) -> str:
    return file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""


def read_rows(file_name: str, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    kind = extension(file_name)
    if kind == "xlsx":
        return _xlsx_rows(data)
    if kind == "csv":
        return _csv_rows(data)
    raise FileError(_("Format berkas tidak didukung: pakai .xlsx atau .csv."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "no default style" in files from other programs
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileError(_("Berkas tidak dapat dibaca sebagai .xlsx (rusak atau bukan Excel).")) from error
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("Berkas CSV tidak dapat dibaca: simpan sebagai UTF-8."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    if "\x00" in text[:4096]:
        raise FileError(_("Berkas CSV tidak dapat dibaca (berisi data biner)."))
    sample = "\n".join(text[:20000].splitlines()[:20])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise FileError(_("Berkas CSV rusak di sekitar baris %(n)d.") % {"n": reader.line_num}) from error
