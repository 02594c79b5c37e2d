"""A dry run: read the file, clean every cell, match households and persons with the database, and
say what an import would do — without writing anything. The file is read once: what the report of
rows to fix needs is kept from that pass (see RawRows).

Households match by P3KE family id, then by No. KK; persons by NIK, or (without NIK) by name and
birth date within their household. A household with any bad row is skipped as a whole, so a family is
never half imported; its rows go to the error report to be fixed and uploaded again.
"""

import datetime
import json
import math
import tempfile
import weakref
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.dates import refusal, validate_birth_date
from households.models import Household, Person, normalize_name
from households.nik import nik_birth_info, validate_nik
from households.rankings import refusal as desil_refusal
from imports import cleaning
from imports.columns import BY_KEY, COLUMNS, lacks_region, list_family_id, match_header
from imports.reader import FileError, Limits, read_rows, thousands
from imports.regions import RegionIndex

HOUSEHOLD_FIELDS = [c.field for c in COLUMNS if c.level == "household" and c.field is not None] + ["kelurahan_id"]
PERSON_FIELDS = [c.field for c in COLUMNS if c.level == "person" and c.field is not None]
CHUNK = 2000
RANKING_FIELDS = {"desil", "family_id"}  # kept with the list's ranking, not as the household's own columns
HEADER_SEARCH_ROWS = 30
# Problems kept word for word (a file of nothing but errors must not fill memory); all are counted.
MAX_KEPT_PROBLEMS = 100_000
MAX_MESSAGE_CHARS = 300


@dataclass(slots=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(slots=True)
class PersonRow:
    row: int
    fields: dict[str, Any]
    existing_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(slots=True)
class HouseholdGroup:
    key: str
    first_row: int
    fields: dict[str, Any]
    persons: list[PersonRow] = field(default_factory=list)
    failed: bool = False
    existing_id: int | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    # The household's latest ranking is from a newer list than this file: only the ranking is recorded, its own data
    # and members (perhaps corrected, moved or deceased since) are left as they are.
    older: bool = False
    stored_desil: tuple[int | None, str, datetime.date | None] = (None, "", None)  # latest ranking: desil, list, date


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # a cell of 1e999; JSON (and PostgreSQL) have no infinity
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class RawRows:
    """The cells of every data row as the file has them, for the report of rows to fix: which rows it
    needs is known only after matching with the database, so all are kept, on disk beyond a few MB."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed with the plan
        weakref.finalize(self, self.file.close)
        self.rows = array("q")
        self.offsets = array("q")

    def add(self, row: int, cells: list[Any]) -> None:
        self.rows.append(row)
        self.offsets.append(self.file.tell())
        self.file.write(json.dumps([jsonable(cell) for cell in cells], ensure_ascii=False).encode() + b"\n")

    def get(self, wanted: Iterable[int]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        for row in sorted(wanted):
            index = bisect_left(self.rows, row)
            if index < len(self.rows) and self.rows[index] == row:
                self.file.seek(self.offsets[index])
                found[row] = json.loads(self.file.readline())
        self.file.seek(0, 2)
        return found


@dataclass
class Plan:
    header: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_KEPT_PROBLEMS
    error_rows: set[int] = field(default_factory=set)
    groups: dict[str, HouseholdGroup] = field(default_factory=dict)
    raw: RawRows = field(default_factory=RawRows)
    fatal: str = ""
    list_kind: str = ""  # the list the desil column was read as (its bounds: households.rankings)

    def fail_row(self, row: int, column: str, message: str) -> None:
        self.error_rows.add(row)
        if len(self.errors) < MAX_KEPT_PROBLEMS:
            if len(message) > MAX_MESSAGE_CHARS:  # a long value quoted in the middle; both ends say what is wrong
                message = message[: MAX_MESSAGE_CHARS // 2] + "…" + message[-MAX_MESSAGE_CHARS // 2 :]
            self.errors.append(RowError(row, column, message))

    def fail_group(self, group: HouseholdGroup, column: str, message: str) -> None:
        group.failed = True
        self.fail_row(group.first_row, column, message)

    @property
    def ok_groups(self) -> list[HouseholdGroup]:
        return [g for g in self.groups.values() if not g.failed]

    def counts(self) -> dict[str, Any]:
        households = {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0, "older": 0}
        persons = {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        skipped_rows = set(self.error_rows)
        for group in self.groups.values():
            if group.failed:
                households["skipped"] += 1
                skipped_rows.update(person.row for person in group.persons)
                continue
            if group.older:
                households["older"] += 1
                persons["unchanged"] += len(group.persons)
                continue
            households["new" if group.existing_id is None else "updated" if group.changes else "unchanged"] += 1
            for person in group.persons:
                persons["new" if person.existing_id is None else "updated" if person.changes else "unchanged"] += 1
        persons["skipped"] = len(skipped_rows)
        return {
            "rows": self.rows_read,
            "error_rows": len(self.error_rows),
            "households": households,
            "persons": persons,
        }

    def skipped_rows(self) -> list[int]:
        """Good rows of skipped households: they must be uploaded again with their family."""
        return [
            person.row
            for group in self.groups.values()
            if group.failed
            for person in group.persons
            if person.row not in self.error_rows
        ]

    def is_empty(self) -> bool:
        return not self.groups and not self.errors

    def freeze(self) -> bytes:
        """What reading the file gave, before any matching with the database, compressed: applying the import
        later matches it again with the database as it is then, without reading and cleaning the file anew.

        JSON lines, written and read a piece at a time (a 100,000-row file is about 100 MB of them): the plan's
        header, the households in chunks, then the raw rows' lines as RawRows keeps them."""
        groups = list(self.groups.values())
        chunks = range(0, len(groups), CHUNK)
        header = {
            "format": PLAN_FORMAT,
            "list_kind": self.list_kind,
            "header": self.header,
            "unknown_columns": self.unknown_columns,
            "rows_read": self.rows_read,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
            "error_rows": sorted(self.error_rows),
            "chunks": len(chunks),
            "raw_rows": self.raw.rows.tolist(),
            "raw_offsets": self.raw.offsets.tolist(),
        }
        compressor = zlib.compressobj(1)
        out = [compressor.compress(_json_line(header))]
        for start in chunks:
            chunk = [
                [g.key, g.first_row, g.fields, g.failed, [[p.row, p.fields] for p in g.persons]]
                for g in groups[start : start + CHUNK]
            ]
            out.append(compressor.compress(_json_line(chunk)))
        self.raw.file.seek(0)
        while block := self.raw.file.read(1 << 20):
            out.append(compressor.compress(block))
        out.append(compressor.flush())
        return b"".join(out)

    @classmethod
    def thaw(cls, frozen: bytes) -> "Plan | None":
        """The plan `freeze` kept, or None when it is unreadable or was kept by another version of this code (then
        the file is read again)."""
        try:
            lines = _lines(frozen)
            header = json.loads(next(lines))
            if header.get("format") != PLAN_FORMAT:
                return None
            plan = cls(
                header=header["header"], unknown_columns=header["unknown_columns"], list_kind=header["list_kind"]
            )
            plan.rows_read = header["rows_read"]
            plan.errors = [RowError(*error) for error in header["errors"]]
            plan.error_rows = set(header["error_rows"])
            for _chunk in range(header["chunks"]):
                for key, first_row, fields, failed, persons in json.loads(next(lines), object_hook=_decode):
                    group = HouseholdGroup(key=key, first_row=first_row, fields=fields, failed=failed)
                    group.persons = [PersonRow(row=row, fields=person) for row, person in persons]
                    plan.groups[key] = group
            plan.raw.rows.extend(header["raw_rows"])
            plan.raw.offsets.extend(header["raw_offsets"])
            for line in lines:
                plan.raw.file.write(line + b"\n")
        except (zlib.error, ValueError, TypeError, KeyError, StopIteration):
            return None
        return plan


def _json_line(value: Any) -> bytes:
    return json.dumps(value, default=_encode, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _lines(frozen: bytes) -> Iterator[bytes]:
    """The lines of a frozen plan, decompressed a megabyte at a time."""
    decompressor = zlib.decompressobj()
    pending = b""
    piece = decompressor.decompress(frozen, 1 << 20)
    while piece:
        *whole, pending = (pending + piece).split(b"\n")
        yield from whole
        piece = decompressor.decompress(decompressor.unconsumed_tail, 1 << 20)
    if pending or not decompressor.eof:
        raise ValueError("a frozen plan ends in the middle")


# Raise when what freeze() writes changes: a plan kept by another version is then read from the file again.
PLAN_FORMAT = 2  # 2: JSON lines read a piece at a time; region codes; the desil bounded by the list kind
DATE_KEY = "__date__"


def _encode(value: Any) -> Any:
    if type(value) is datetime.date:
        return {DATE_KEY: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not kept in a frozen plan")


def _decode(value: dict[str, Any]) -> Any:
    if len(value) == 1 and DATE_KEY in value:
        return datetime.date.fromisoformat(value[DATE_KEY])
    return value


def build_plan(
    file_name: str,
    data: bytes,
    *,
    list_kind: str = "",
    max_rows: int | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Plan:
    """Read and check the file, then match it with the database."""
    plan = read_plan(file_name, data, list_kind=list_kind, max_rows=max_rows, on_rows=on_rows)
    if not plan.fatal:
        match_plan(plan)
    return plan


def read_plan(
    file_name: str,
    data: bytes,
    *,
    list_kind: str = "",
    max_rows: int | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Plan:
    """Read and check the file, without the database. `list_kind` (households.models.RankingSource) bounds the
    desil column (P3KE: 1-4). `on_rows(n)` hears of every 1,000 rows read."""
    plan = Plan(list_kind=list_kind)
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    try:
        rows = read_rows(file_name, data, Limits.from_settings(rows=max_rows))
        _read(plan, rows, max_rows, on_rows, list_kind=list_kind)
    except FileError as error:
        plan.fatal = str(error)
    return plan


def match_plan(plan: Plan, *, as_of: datetime.date | None = None) -> None:
    """Match the households and persons read with the database: which are new, which change, which conflict.
    A household whose latest ranking is from a list newer than `as_of` (the file's date) is not changed by it."""
    _match_households(plan, as_of)
    _match_persons(plan)


def _read(
    plan: Plan,
    rows: Iterable[tuple[int, list[Any]]],
    max_rows: int,
    on_rows: Callable[[int], None] | None = None,
    *,
    list_kind: str = "",
) -> None:
    regions = RegionIndex()
    mapping: dict[int, str] | None = None
    header_row: int | None = None  # a row that is the header but for a place column
    seen_niks: dict[str, int] = {}
    for row, cells in rows:
        if mapping is None:
            if row > HEADER_SEARCH_ROWS:
                break
            found = match_header(cells)
            if found:
                mapping, plan.unknown_columns = found
                mapping = list_family_id(mapping, cells, list_kind)
                plan.header = [str(c) if c is not None else "" for c in cells]
            elif header_row is None and lacks_region(cells):
                header_row = row
            continue
        if all(cleaning.is_blank(cell) for cell in cells):
            continue
        plan.rows_read += 1
        if on_rows is not None and plan.rows_read % 1000 == 0:
            on_rows(1000)
        if plan.rows_read > max_rows:
            plan.fatal = _("Berkas berisi lebih dari %(n)s baris data; bagi menjadi beberapa berkas.") % {
                "n": thousands(max_rows)
            }
            return
        plan.raw.add(row, cells[: len(plan.header)])
        _read_row(plan, row, cells, mapping, regions, seen_niks, list_kind)
    if mapping is None and header_row is not None:
        plan.fatal = _(
            "Baris judul (baris %(row)d) tidak punya kolom wilayah: tambahkan kolom kelurahan (nama kelurahan) atau "
            "kode_wilayah (kode Kemendagri atau BPS)."
        ) % {"row": header_row}
    elif mapping is None:
        plan.fatal = _(
            "Baris judul kolom tidak ditemukan di 30 baris pertama. Pastikan ada kolom nama, kelurahan (atau "
            "kode_wilayah) dan kolom lain sesuai templat."
        )
    else:
        missing = [c.key for c in COLUMNS if c.required and c.key not in mapping.values()]
        if missing:
            plan.fatal = _("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}


def _read_row(
    plan: Plan, number: int, cells: list[Any], mapping, regions: RegionIndex, seen_niks, list_kind: str = ""
) -> None:
    values = {key: cells[index] if index < len(cells) else None for index, key in mapping.items()}
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        column = BY_KEY[key]
        if column.field is None:
            continue
        try:
            clean[column.field] = column.clean(value)
        except cleaning.CellError as error:
            problems.append((key, str(error)))
    for column in COLUMNS:
        if (
            column.required
            and column.field
            and column.key in values
            and column.field in clean
            and clean[column.field] in ("", None)
        ):
            problems.append((column.key, _("Wajib diisi.")))
    kelurahan_id, region_column, region_message = regions.match(
        values.get("kecamatan"), values.get("kelurahan"), values.get("kode_wilayah")
    )
    if region_column and region_message:
        problems.append((region_column, region_message))
    clean["kelurahan_id"] = kelurahan_id
    nik = clean.get("nik")
    if nik and not any(key == "nik" for key, _m in problems):
        try:
            validate_nik(nik, birth_date=clean.get("birth_date"), sex=clean.get("sex"))
        except ValidationError as error:
            problems.append(("nik", " ".join(error.messages)))
        else:
            if nik in seen_niks:
                problems.append(("nik", _("NIK yang sama sudah ada di baris %(row)d.") % {"row": seen_niks[nik]}))
            else:
                seen_niks[nik] = number
    if not clean.get("sex"):
        # National lists do not always carry the sex: the NIK says it (day of birth + 40 for women).
        if nik and not any(key == "nik" for key, _m in problems):
            clean["sex"] = nik_birth_info(nik)[3]
        else:
            problems.append(("jenis_kelamin", _("Jenis kelamin kosong: isi L atau P, atau NIK agar dibaca dari NIK.")))
    if list_kind and clean.get("desil") is not None and (wrong := desil_refusal(list_kind, clean["desil"])):
        problems.append(("desil", wrong))
    # The bounds the member form and Django admin apply (rows are bulk-written, without the model's checks).
    if (refused := refusal(validate_birth_date, clean.get("birth_date"))) is not None:
        problems.append(("tanggal_lahir", refused.messages[0]))
    key = clean.get("p3ke_id") or clean.get("no_kk")
    if not key and not any(k in ("id_keluarga_p3ke", "no_kk") for k, _m in problems):
        problems.append(("id_keluarga_p3ke", _("Isi ID keluarga P3KE atau No. KK agar anggota dapat dikelompokkan.")))
    group = plan.groups.get(key) if key else None
    household_fields = {name: clean.get(name) for name in HOUSEHOLD_FIELDS if name in clean}
    if group is not None and not problems:
        for name, value in household_fields.items():
            known = group.fields.get(name)
            if value not in ("", None) and known not in ("", None) and value != known:
                column_key = next((c.key for c in COLUMNS if c.field == name), "kelurahan")
                problems.append(
                    (
                        column_key,
                        _(
                            "Data keluarga berbeda dengan baris %(row)d (anggota keluarga yang sama): di sini "
                            "%(here)s, di baris %(row)d %(there)s."
                        )
                        % {
                            "row": group.first_row,
                            "here": _shown(name, value, regions),
                            "there": _shown(name, known, regions),
                        },
                    )
                )
                break
    if key and group is None:
        group = plan.groups[key] = HouseholdGroup(key=key, first_row=number, fields=household_fields)
    elif group is not None:
        for name, value in household_fields.items():
            if group.fields.get(name) in ("", None):
                group.fields[name] = value
    if problems:
        for column_key, message in problems:
            plan.fail_row(number, column_key, message)
        if group is not None:
            group.failed = True
        return
    assert group is not None  # a row without a family key has a problem (above)
    person_fields = {name: clean[name] for name in PERSON_FIELDS if name in clean}
    group.persons.append(PersonRow(row=number, fields=person_fields))


def _shown(name: str, value: Any, regions: RegionIndex) -> str:
    """A cleaned value as the office wrote it: a kelurahan by its name, a date as dd/mm/yyyy."""
    if name == "kelurahan_id":
        return regions.names.get(value, str(value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


T = TypeVar("T")


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def household_columns(fields: dict[str, Any]) -> dict[str, Any]:
    """The household's own columns of a group: its desil is kept as a ranking of the list (households.rankings)."""
    return {name: value for name, value in fields.items() if name not in RANKING_FIELDS}


def _diff(incoming: dict[str, Any], stored: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields the file fills in and that differ from what is stored; an empty cell keeps the stored value."""
    return {
        name: [stored.get(name), value]
        for name, value in incoming.items()
        if value not in ("", None) and stored.get(name) != value
    }


def _match_households(plan: Plan, as_of: datetime.date | None = None) -> None:
    groups = plan.groups.values()
    by_p3ke: dict[str, dict] = {}
    by_kk: dict[str, dict] = {}
    columns = [
        "id",
        "p3ke_id",
        "no_kk",
        "desil_source",
        "desil_as_of",
        *[f for f in HOUSEHOLD_FIELDS if f not in ("p3ke_id", "no_kk", "family_id")],
    ]
    for chunk in _chunks([g.fields.get("p3ke_id") for g in groups if g.fields.get("p3ke_id")]):
        for row in Household.objects.filter(p3ke_id__in=chunk).values(*columns):
            by_p3ke[row["p3ke_id"]] = row
    for chunk in _chunks([g.fields.get("no_kk") for g in groups if g.fields.get("no_kk")]):
        for row in Household.objects.filter(no_kk__in=chunk).values(*columns):
            by_kk[row["no_kk"]] = row
    for group in groups:
        p3ke, kk = group.fields.get("p3ke_id"), group.fields.get("no_kk")
        stored = by_p3ke.get(p3ke) if p3ke else None
        owner_of_kk = by_kk.get(kk) if kk else None
        if stored is None:
            stored = owner_of_kk
        elif owner_of_kk is not None and owner_of_kk["id"] != stored["id"]:
            plan.fail_group(
                group,
                "no_kk",
                _("No. KK ini milik rumah tangga #%(id)s yang lain; ID P3KE dan No. KK tidak cocok.")
                % {"id": owner_of_kk["id"]},
            )
            continue
        if stored is not None and p3ke and stored["p3ke_id"] and stored["p3ke_id"] != p3ke:
            plan.fail_group(
                group,
                "id_keluarga_p3ke",
                _("No. KK ini terdaftar dengan ID P3KE lain (%(other)s) di rumah tangga #%(id)s.")
                % {"other": stored["p3ke_id"], "id": stored["id"]},
            )
            continue
        if stored is not None:
            group.existing_id = stored["id"]
            group.stored_desil = (stored["desil"], stored["desil_source"], stored["desil_as_of"])
            group.older = as_of is not None and stored["desil_as_of"] is not None and as_of < stored["desil_as_of"]
            group.changes = {} if group.older else _diff(household_columns(group.fields), stored)


def _match_persons(plan: Plan) -> None:
    groups = [g for g in plan.groups.values() if not g.failed]
    niks = [p.fields["nik"] for g in groups for p in g.persons if p.fields.get("nik")]
    columns = ["id", "household_id", "search_name", *PERSON_FIELDS]
    by_nik: dict[str, dict] = {}
    for chunk in _chunks(niks):
        for row in Person.objects.filter(nik__in=chunk).values(*columns):
            by_nik[row["nik"]] = row
    unnumbered: dict[tuple, dict] = {}
    existing_households = [g.existing_id for g in groups if g.existing_id]
    for chunk in _chunks(existing_households):
        for row in Person.objects.filter(household_id__in=chunk, nik="").values(*columns):
            unnumbered[(row["household_id"], row["search_name"], row["birth_date"])] = row
    for group in groups:
        for person in group.persons:
            nik = person.fields.get("nik")
            stored = by_nik.get(nik) if nik else None
            if stored is not None and stored["household_id"] != group.existing_id:
                plan.fail_group(
                    group,
                    "nik",
                    _(
                        "NIK baris %(row)d sudah terdaftar di rumah tangga lain (#%(id)s). "
                        "Pindahkan anggota lewat aplikasi."
                    )
                    % {"row": person.row, "id": stored["household_id"]},
                )
                break
            if stored is None and group.existing_id:
                key = (
                    group.existing_id,
                    normalize_name(person.fields.get("full_name", "")),
                    person.fields.get("birth_date"),
                )
                stored = unnumbered.pop(key, None)
            if stored is not None:
                person.existing_id = stored["id"]
                person.changes = {} if group.older else _diff(person.fields, stored)
