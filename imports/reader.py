"""Reading .xlsx and .csv uploads into rows of cell values, numbered as the spreadsheet numbers them, within
limits that keep a hostile file from exhausting the server's memory.

An .xlsx is a zip of XML parts. Its directory is checked before anything is unpacked: how many parts,
how large each is once unpacked, how much it expands. The parts are then parsed with expat in small
chunks, and rows, cells and shared strings are counted while they are read, so a cell of a gigabyte or a
row of a million cells is refused after a few megabytes. openpyxl's read-only mode cannot do this (it
loads the shared strings whole and builds each row as a tree first); its date-format rules are reused.

A .csv (comma or semicolon; UTF-8 with or without BOM, or Windows-1252) is decoded as it is read, one
bounded line at a time.
"""

import codecs
import csv
import io
import posixpath
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

MAX_PARTS = 1000  # an .xlsx from Excel or LibreOffice has a few dozen
MAX_DIRECTORY_BYTES = 1024 * 1024  # the zip's list of parts, read whole by zipfile
MAX_RATIO = 100  # unpacked / packed size of a part above RATIO_GRACE (Apache POI's default)
RATIO_GRACE = 1024 * 1024
MAX_TOKEN_BYTES = 1024 * 1024  # no tag, attribute or comment of a real sheet comes near this
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
MAX_CSV_LINE_CHARS = 131_072  # the csv module's own limit for one field
ROW_SLACK = 1000  # title, header and blank rows around the data rows
CHUNK = 64 * 1024


class FileError(ValueError):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cell_chars: int
    unpacked_bytes: int
    shared_strings_bytes: int

    @classmethod
    def from_settings(cls, *, rows: int | None = None) -> "Limits":
        return cls(
            rows=rows or settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
        )

    @property
    def last_row(self) -> int:
        return self.rows + ROW_SLACK


def thousands(value: int) -> str:
    """12345 -> 12.345, as Indonesian writes it."""
    return f"{value:,}".replace(",", ".")


def megabytes(size: int) -> str:
    """1572864 -> 1,5 (MB)."""
    if size % 1_048_576 == 0:
        return thousands(size // 1_048_576)
    return f"{size / 1_048_576:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def extension(file_name: str) -> str:
    return file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""


def read_rows(file_name: str, data: bytes, limits: Limits | None = None) -> Iterator[tuple[int, list[Any]]]:
    limits = limits or Limits.from_settings()
    kind = extension(file_name)
    if kind == "xlsx":
        return _xlsx_rows(data, limits)
    if kind == "csv":
        return _csv_rows(data, limits)
    raise FileError(_("Format berkas tidak didukung: pakai .xlsx atau .csv."))


def _unreadable() -> FileError:
    return FileError(_("Berkas tidak dapat dibaca sebagai .xlsx (rusak atau bukan Excel)."))


def _too_many_rows(limits: Limits) -> FileError:
    return FileError(
        _("Berkas berisi lebih dari %(n)s baris; bagi menjadi beberapa berkas.") % {"n": thousands(limits.rows)}
    )


def _too_many_columns(row: int | None, limits: Limits) -> FileError:
    if row is None:
        message = _("Lembar kerja berisi lebih dari %(n)s kolom. Hapus kolom yang tidak dipakai, lalu unggah lagi.")
    else:
        message = _("Baris %(row)s berisi lebih dari %(n)s kolom. Hapus kolom yang tidak dipakai, lalu unggah lagi.")
    return FileError(message % {"row": thousands(row or 0), "n": thousands(limits.columns)})


def _cell_too_long(row: int, limits: Limits) -> FileError:
    return FileError(
        _("Sel di baris %(row)s berisi lebih dari %(n)s karakter; berkas ditolak.")
        % {"row": thousands(row), "n": thousands(limits.cell_chars)}
    )


def _too_large_unpacked(size: int, limit: int) -> FileError:
    return FileError(
        _(
            "Isi berkas .xlsx terlalu besar setelah dibuka (%(size)s MB; batasnya %(limit)s MB). "
            "Bagi menjadi beberapa berkas."
        )
        % {"size": megabytes(size), "limit": megabytes(limit)}
    )


# --- .xlsx ---------------------------------------------------------------------------------------------


def _open_archive(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip, once its directory shows nothing a spreadsheet would not have."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise _unreadable()
    too_many_parts = FileError(
        _("Berkas .xlsx ini tidak wajar: berisi terlalu banyak bagian (batasnya %(n)s). Berkas ditolak.")
        % {"n": thousands(MAX_PARTS)}
    )
    # zipfile reads the whole directory into memory; a zip64 one is never needed below the upload limit.
    directory_size = int.from_bytes(data[end + 12 : end + 16], "little")
    zip64 = end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07"
    if directory_size > MAX_DIRECTORY_BYTES or zip64:
        raise too_many_parts
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _unreadable() from error
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise too_many_parts
    total = 0
    for part in parts:
        total += part.file_size
        if total > limits.unpacked_bytes:
            raise _too_large_unpacked(total, limits.unpacked_bytes)
        if part.file_size > RATIO_GRACE and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise FileError(
                _(
                    "Berkas .xlsx ini tidak wajar: bagian %(part)s mengembang %(ratio)s kali saat dibuka. "
                    "Berkas ditolak demi keamanan; simpan ulang dari Excel lalu unggah lagi."
                )
                % {"part": part.filename[:80], "ratio": thousands(part.file_size // max(part.compress_size, 1))}
            )
    return archive


class _Stop(Exception):
    """A handler has read all it needs from its part."""


def _refuse_doctype(*_args) -> None:
    raise _unreadable()  # no part of a spreadsheet declares a DTD (whose entities could expand)


def _parse(archive: zipfile.ZipFile, name: str, handler, limit: int) -> Iterator[None]:
    """Feed one part to expat in small chunks, yielding after each so the caller can take what the
    handler has collected. Element names arrive as written (`c`, or `x:c` with a prefix); no tree is
    built. A token (tag, comment) still incomplete after MAX_TOKEN_BYTES is refused."""
    parser = expat.ParserCreate()
    parser.buffer_text = True  # a cell's text in one piece, not one per entity
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    if hasattr(handler, "text"):
        parser.CharacterDataHandler = handler.text
    parser.StartDoctypeDeclHandler = _refuse_doctype
    read = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                read += len(chunk)
                if read > limit:
                    raise _too_large_unpacked(read, limit)
                parser.Parse(chunk, False)
                if read - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                    raise _unreadable()
                yield
            parser.Parse(b"", True)
    except _Stop:
        pass
    except FileError:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, IndexError) as error:
        raise _unreadable() from error
    except (NotImplementedError, RuntimeError) as error:  # encrypted, or packed in a way zipfile lacks
        raise _unreadable() from error
    yield


def _read_part(archive: zipfile.ZipFile, name: str, handler, limit: int) -> None:
    for _chunk in _parse(archive, name, handler, limit):
        pass


def _local(name: str) -> str:
    return name[name.rfind(":") + 1 :]


class _Relationships:
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (type, target)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            if len(self.targets) >= MAX_PARTS:
                raise _unreadable()
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def end(self, name: str) -> None:
        pass

    def find(self, kind: str) -> list[tuple[str, str]]:
        """(id, target) of the relationships of a kind such as "/worksheet"."""
        return [(id_, target) for id_, (type_, target) in self.targets.items() if type_.endswith(kind)]


class _Workbook:
    def __init__(self) -> None:
        self.sheet_ids: list[str] = []
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif local == "sheet":
            if len(self.sheet_ids) >= MAX_PARTS:
                raise _unreadable()
            self.sheet_ids.append(next((v for k, v in attrs.items() if k.endswith(":id")), ""))  # r:id

    def end(self, name: str) -> None:
        if _local(name) == "sheets":
            raise _Stop


class _Styles:
    """Which cell styles show a number as a date or a duration."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.cell_formats: list[int] = []
        self.in_cell_formats = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            if len(self.formats) >= MAX_STYLES:
                raise _unreadable()
            self.formats[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")[:255]
        elif local == "cellXfs":
            self.in_cell_formats = True
        elif local == "xf" and self.in_cell_formats:
            if len(self.cell_formats) >= MAX_STYLES:
                raise _unreadable()
            self.cell_formats.append(int(attrs.get("numFmtId", 0)))

    def end(self, name: str) -> None:
        if _local(name) == "cellXfs":
            raise _Stop

    def kinds(self) -> tuple[frozenset[str], frozenset[str]]:
        """The style numbers (as cells write them) of dates and of durations."""
        dates, durations = set(), set()
        for style, format_id in enumerate(self.cell_formats):
            code = self.formats.get(format_id) or BUILTIN_FORMATS.get(format_id)
            if is_date_format(code):
                dates.add(str(style))
            if is_timedelta_format(code):
                durations.add(str(style))
        return frozenset(dates), frozenset(durations)


class _SharedStrings:
    """The table of texts that cells refer to, its size in memory bounded while it is read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.strings: list[str] = []
        self.budget = limits.shared_strings_bytes
        self.pieces: list[str] | None = None
        self.length = 0
        self.collecting = self.phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            self.pieces, self.length = [], 0
        elif local == "t" and self.pieces is not None and not self.phonetic:
            self.collecting = True
        elif local == "rPh":
            self.phonetic = True

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > self.limits.cell_chars:
                raise FileError(
                    _("Sebuah teks di berkas berisi lebih dari %(n)s karakter; berkas ditolak.")
                    % {"n": thousands(self.limits.cell_chars)}
                )
            self.pieces.append(data)  # type: ignore[union-attr]  # a list while collecting (see start)

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "t":
            self.collecting = False
        elif local == "rPh":
            self.phonetic = False
        elif local == "si" and self.pieces is not None:
            text = "".join(self.pieces)
            self.budget -= sys.getsizeof(text) + 8
            if self.budget < 0:
                raise FileError(
                    _(
                        "Teks di berkas .xlsx terlalu besar setelah dibuka (lebih dari %(limit)s MB). "
                        "Bagi menjadi beberapa berkas."
                    )
                    % {"limit": megabytes(self.limits.shared_strings_bytes)}
                )
            self.strings.append(text)
            self.pieces = None


class _Sheet:
    """Rows of a worksheet, each finished row added to `rows` for the caller to take. Every cell passes
    through here (millions in a large file), so the handlers are kept lean."""

    def __init__(self, limits: Limits, shared: list[str], styles: _Styles, epoch) -> None:
        self.limits, self.shared, self.epoch = limits, shared, epoch
        self.dates, self.durations = styles.kinds()
        # Column letters up to the limit; a letter not in here is a column beyond it.
        self.column_of = {get_column_letter(index): index for index in range(1, limits.columns + 1)}
        self.rows: list[tuple[int, list[Any]]] = []
        self.row = self.count = self.column = self.length = self.shared_chars = 0
        self.cells: list[Any] | None = None
        self.kind: str | None = None
        self.style: str | None = None
        self.pieces: list[str] | None = None
        self.collecting = self.inline = self.phonetic = False
        unnamed: str | None = None  # until the root element gives the prefix the file uses (`_names`)
        self.C = self.V = self.T = self.ROW = self.IS = self.RPH = self.DIMENSION = self.SHEET_DATA = unnamed

    def _names(self, root: str) -> None:
        """Element names with the prefix the file uses, taken from the root (`worksheet` or `x:worksheet`)."""
        prefix = root[: root.rfind(":") + 1]
        self.C, self.V, self.T, self.ROW, self.IS, self.RPH, self.DIMENSION, self.SHEET_DATA = (
            prefix + local for local in ("c", "v", "t", "row", "is", "rPh", "dimension", "sheetData")
        )

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self.C:
            self.count += 1
            if self.count > self.limits.columns:
                raise _too_many_columns(self.row, self.limits)
            reference = attrs.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                column = self.column_of.get(letters) or self.column_of.get(letters.upper())
                if column is None:
                    raise _too_many_columns(self.row, self.limits)
                self.column = column
            else:
                self.column += 1
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.pieces, self.length = None, 0
        elif name == self.V or (name == self.T and self.inline and not self.phonetic):
            self.collecting = True
            if self.pieces is None:
                self.pieces = []
        elif name == self.ROW:
            reference = attrs.get("r")
            self.row = int(reference) if reference else self.row + 1
            if self.row > self.limits.last_row:
                raise _too_many_rows(self.limits)
            self.cells, self.count, self.column = [], 0, 0
        elif name == self.IS:
            self.inline = True
        elif name == self.RPH:
            self.phonetic = True
        elif name == self.DIMENSION:
            self._check_dimension(attrs.get("ref", ""))
        elif self.C is None:
            self._names(name)

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > self.limits.cell_chars:
                raise _cell_too_long(self.row, self.limits)
            self.pieces.append(data)  # type: ignore[union-attr]  # a list while collecting (see start)

    def end(self, name: str) -> None:
        if name == self.C:
            value = self._value() if self.length else None
            cells, index = self.cells, self.column - 1
            if cells is None:
                return
            if index == len(cells):
                cells.append(value)
            elif index > len(cells):
                cells.extend([None] * (index - len(cells)))
                cells.append(value)
            else:
                cells[index] = value
        elif name == self.V or name == self.T:
            self.collecting = False
        elif name == self.ROW:
            self.rows.append((self.row, self.cells))  # type: ignore[arg-type]  # a list since the row began
            self.cells = None
        elif name == self.IS:
            self.inline = False
        elif name == self.RPH:
            self.phonetic = False
        elif name == self.SHEET_DATA:
            raise _Stop  # nothing after the cells is needed

    def _check_dimension(self, reference: str) -> None:
        """The used range the sheet declares (A1:Y1001), refused at once when beyond the limits."""
        last = reference.rpartition(":")[2].replace("$", "")
        letters = last.rstrip("0123456789")
        digits = last[len(letters) :]
        if 0 < len(letters) <= 3 and letters.upper() not in self.column_of:
            raise _too_many_columns(None, self.limits)
        if digits.isdigit() and int(digits) > self.limits.last_row:
            raise _too_many_rows(self.limits)

    def _value(self) -> Any:
        """The cell's value as openpyxl's read-only mode gives it (data_only)."""
        text, kind = "".join(self.pieces), self.kind  # type: ignore[arg-type]  # text was collected: a list
        if kind == "s":
            value = self.shared[int(text)]
            self.shared_chars += len(value)
            if self.shared_chars > self.limits.unpacked_bytes:  # one long text repeated in cell after cell
                raise _too_large_unpacked(self.shared_chars, self.limits.unpacked_bytes)
            return value
        if kind is None or kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if self.style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=self.style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # inlineStr; str (a formula's text); e (an error such as #N/A)


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(base, target))


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    archive = _open_archive(data, limits)
    small = min(limits.unpacked_bytes, 16 * 1024 * 1024)  # the package's lists of parts, and the styles
    names = set(archive.namelist())

    package = _Relationships()
    if "_rels/.rels" in names:
        _read_part(archive, "_rels/.rels", package, small)
    found = package.find("/officeDocument")
    workbook_name = _resolve("", found[0][1]) if found else "xl/workbook.xml"
    base = posixpath.dirname(workbook_name)
    workbook = _Workbook()
    _read_part(archive, workbook_name, workbook, small)
    relationships = _Relationships()
    relationships_name = posixpath.join(base, "_rels", posixpath.basename(workbook_name) + ".rels")
    _read_part(archive, relationships_name, relationships, small)

    worksheets = dict(relationships.find("/worksheet"))
    sheet_name = next((_resolve(base, worksheets[id_]) for id_ in workbook.sheet_ids if id_ in worksheets), None)
    if sheet_name is None:
        raise _unreadable()
    styles = _Styles()
    for _id, target in relationships.find("/styles")[:1]:
        _read_part(archive, _resolve(base, target), styles, small)
    shared = _SharedStrings(limits)
    for _id, target in relationships.find("/sharedStrings")[:1]:
        name = _resolve(base, target)
        size = archive.getinfo(name).file_size if name in names else 0
        if size > limits.shared_strings_bytes:  # refused before a byte of it is unpacked
            raise _too_large_unpacked(size, limits.shared_strings_bytes)
        _read_part(archive, name, shared, limits.shared_strings_bytes)

    sheet = _Sheet(limits, shared.strings, styles, CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900)
    for _chunk in _parse(archive, sheet_name, sheet, limits.unpacked_bytes):
        if sheet.rows:
            rows, sheet.rows = sheet.rows, []
            yield from rows


# --- .csv ----------------------------------------------------------------------------------------------


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if the whole file is valid UTF-8, else Windows-1252; checked in chunks."""
    view = memoryview(data)
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1024 * 1024):
                decoder.decode(view[start : start + 1024 * 1024])
            decoder.decode(b"", True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileError(_("Berkas CSV tidak dapat dibaca: simpan sebagai UTF-8."))


class _Lines:
    """The file's lines for the csv reader, refused as soon as one record grows beyond the limit
    (a quoted field may span lines, so the count runs until the reader has finished the record)."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream = stream
        self.used = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_CSV_LINE_CHARS + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > MAX_CSV_LINE_CHARS:
            raise _LineTooLong
        return line


class _LineTooLong(Exception):
    pass


def _csv_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    if b"\x00" in data[:4096]:
        raise FileError(_("Berkas CSV tidak dapat dibaca (berisi data biner)."))
    encoding = _encoding(data)
    sample = "\n".join(data[:20000].decode(encoding, errors="ignore").splitlines()[:20])
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    lines = _Lines(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    reader = csv.reader(lines, delimiter=delimiter)
    row = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _LineTooLong:
            raise FileError(
                _("Baris %(row)s berkas CSV terlalu panjang (lebih dari %(n)s karakter); berkas ditolak.")
                % {"row": thousands(row + 1), "n": thousands(MAX_CSV_LINE_CHARS)}
            ) from None
        except csv.Error as error:
            raise FileError(_("Berkas CSV rusak di sekitar baris %(n)d.") % {"n": reader.line_num}) from error
        row += 1
        lines.used = 0
        if row > limits.last_row:
            raise _too_many_rows(limits)
        if len(cells) > limits.columns:
            raise _too_many_columns(row, limits)
        if any(len(cell) > limits.cell_chars for cell in cells):
            raise _cell_too_long(row, limits)
        yield row, cells
