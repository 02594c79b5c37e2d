"""Turning spreadsheet cells into clean values, or into a clear Indonesian error. Never guesses a NIK."""

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from households.models import Education, Relation
from households.nik import FEMALE, MALE


class CellError(ValueError):
    """The cell cannot be used; the message says why, in Indonesian."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@lru_cache(maxsize=8192)
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z/]+", " ", text).split())


def normalize(value: Any) -> str:
    """Lower case, accents removed, punctuation to spaces, spaces collapsed: how headers and labels compare.

    Spreadsheets repeat the same few labels on every row, so results are cached."""
    return _normalize(str(value))


def text(value: Any, max_length: int) -> str:
    if is_blank(value):
        return ""
    cleaned = " ".join(str(value).split())
    if len(cleaned) > max_length:
        raise CellError(_("Terlalu panjang (paling banyak %(n)d karakter).") % {"n": max_length})
    return cleaned


def identity_number(value: Any, label: str) -> str:
    """A NIK or No. KK: exactly 16 digits typed as text. Numbers from Excel are refused, never repaired."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        raise CellError(_("%(label)s tidak valid.") % {"label": label})
    if isinstance(value, int | float):
        # Excel keeps 15 significant digits: a 16-digit number has already lost its last digit.
        raise CellError(
            _(
                "%(label)s tersimpan sebagai angka oleh Excel (%(shown)s), sehingga digit terakhirnya hilang. "
                "Ubah format kolom menjadi Teks, ketik ulang nomornya, lalu unggah lagi."
            )
            % {"label": label, "shown": f"{value:.6g}" if isinstance(value, float) else value}
        )
    raw = str(value).strip()
    if re.fullmatch(r"[0-9.,]+[eE][+-]?[0-9]+", raw) or re.fullmatch(r"\d+[.,]0+", raw):
        raise CellError(
            _(
                "%(label)s tertulis sebagai angka Excel (%(shown)s); digitnya tidak dapat dipercaya. "
                "Ubah format kolom menjadi Teks dan ketik ulang."
            )
            % {"label": label, "shown": raw}
        )
    cleaned = re.sub(r"[\s.\-']", "", raw.lstrip("'`"))
    if not cleaned.isdigit():
        raise CellError(_("%(label)s hanya boleh berisi angka (tertulis %(shown)s).") % {"label": label, "shown": raw})
    if len(cleaned) != 16:
        raise CellError(
            _("%(label)s harus 16 digit; yang tertulis %(count)d digit.") % {"label": label, "count": len(cleaned)}
        )
    return cleaned


EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("day", "month", "year")),
    (re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$"), ("year", "month", "day")),
]


def date(value: Any) -> datetime.date | None:
    """dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd, a date cell, or an Excel serial number."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 80000:
            raise CellError(_("Nomor tanggal Excel %(value)s tidak masuk akal.") % {"value": value})
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    raw = str(value).strip().split(" ")[0]
    if raw.isdigit() and len(raw) == 5 and 20000 < int(raw) < 80000:  # a serial number that came through as text
        return EXCEL_EPOCH + datetime.timedelta(days=int(raw))
    for pattern, order in DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return datetime.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                raise CellError(_("Tanggal %(value)s tidak ada di kalender.") % {"value": raw}) from None
    raise CellError(_("Tanggal %(value)s tidak dikenali; pakai format dd/mm/yyyy.") % {"value": raw})


def _lookup(value: Any, table: Mapping[str, str], what: str, allowed: Iterable[str]) -> str:
    key = normalize(value)
    if key in table:
        return table[key]
    raise CellError(
        _("%(what)s %(value)s tidak dikenal. Pilihan: %(allowed)s.")
        % {"what": what, "value": str(value).strip(), "allowed": ", ".join(allowed)}
    )


SEX = {"l": MALE, "lk": MALE, "laki laki": MALE, "laki": MALE, "pria": MALE, "1": MALE,
       "p": FEMALE, "pr": FEMALE, "perempuan": FEMALE, "wanita": FEMALE, "2": FEMALE}  # fmt: skip


def sex(value: Any) -> str:
    if is_blank(value):
        raise CellError(_("Jenis kelamin wajib diisi (L/P)."))
    return _lookup(value, SEX, _("Jenis kelamin"), ["L", "P", "Laki-laki", "Perempuan"])


RELATION = {
    "kepala keluarga": Relation.HEAD, "kepala rumah tangga": Relation.HEAD, "kepala": Relation.HEAD,
    "krt": Relation.HEAD, "kk": Relation.HEAD, "1": Relation.HEAD,
    "istri/suami": Relation.SPOUSE, "suami/istri": Relation.SPOUSE, "istri": Relation.SPOUSE,
    "suami": Relation.SPOUSE, "pasangan": Relation.SPOUSE, "2": Relation.SPOUSE,
    "anak": Relation.CHILD, "anak kandung": Relation.CHILD, "anak tiri": Relation.CHILD,
    "anak angkat": Relation.CHILD, "3": Relation.CHILD,
    "menantu": Relation.CHILD_IN_LAW, "4": Relation.CHILD_IN_LAW,
    "cucu": Relation.GRANDCHILD, "5": Relation.GRANDCHILD,
    "orang tua": Relation.PARENT, "orangtua": Relation.PARENT, "mertua": Relation.PARENT,
    "orang tua/mertua": Relation.PARENT, "6": Relation.PARENT,
    "famili lain": Relation.RELATIVE, "famili": Relation.RELATIVE, "saudara": Relation.RELATIVE, "7": Relation.RELATIVE,
    "lainnya": Relation.OTHER, "lain lain": Relation.OTHER, "pembantu": Relation.OTHER, "8": Relation.OTHER,
}  # fmt: skip


def relation(value: Any) -> str:
    if is_blank(value):
        raise CellError(_("Hubungan keluarga wajib diisi."))
    return _lookup(
        value,
        RELATION,
        _("Hubungan keluarga"),
        ["Kepala Keluarga", "Istri/Suami", "Anak", "Menantu", "Cucu", "Orang Tua/Mertua", "Famili Lain", "Lainnya"],
    )


YES = {"ya", "y", "1", "true", "benar", "iya"}
NO = {"tidak", "t", "0", "false", "bukan", "n", "no"}


def yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    key = normalize(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("Isi Ya atau Tidak (tertulis %(value)s).") % {"value": value})


def desil(value: Any) -> int | None:
    if is_blank(value):
        return None
    # "3", "Desil 3", 3.0 from a number cell, "3.0" or "3,0" from a CSV Excel wrote
    key = str(value).strip().lower().replace("desil", "").strip().replace(",", ".")
    try:
        written = float(key)
        if not written.is_integer():  # 2.5, or "1e999" (infinity)
            raise ValueError
        number = int(written)
    except ValueError:
        raise CellError(_("Desil %(value)s bukan angka.") % {"value": value}) from None
    if not 1 <= number <= 10:
        raise CellError(_("Desil harus 1 sampai 10 (tertulis %(value)s).") % {"value": value})
    return number


def rt_rw(value: Any) -> str:
    if is_blank(value):
        return ""
    raw = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    digits = raw.lstrip("0") or "0"
    if not raw.isdigit() or len(digits) > 3:
        raise CellError(_("RT/RW harus angka (tertulis %(value)s).") % {"value": value})
    return digits.zfill(3)


EDUCATION = {
    "tidak/belum sekolah": Education.NONE, "tidak sekolah": Education.NONE, "belum sekolah": Education.NONE,
    "tidak pernah sekolah": Education.NONE, "belum tamat sd": Education.PRIMARY_INCOMPLETE,
    "tidak tamat sd": Education.PRIMARY_INCOMPLETE, "tidak tamat sd/sederajat": Education.PRIMARY_INCOMPLETE,
    "sd": Education.PRIMARY, "sd/sederajat": Education.PRIMARY, "tamat sd": Education.PRIMARY, "mi": Education.PRIMARY,
    "smp": Education.JUNIOR, "smp/sederajat": Education.JUNIOR, "sltp": Education.JUNIOR, "sltp/sederajat": Education.JUNIOR,
    "mts": Education.JUNIOR, "sma": Education.SENIOR, "sma/sederajat": Education.SENIOR, "slta": Education.SENIOR,
    "slta/sederajat": Education.SENIOR, "smk": Education.SENIOR, "ma": Education.SENIOR,
    "diploma": Education.DIPLOMA, "d1": Education.DIPLOMA, "d2": Education.DIPLOMA, "d3": Education.DIPLOMA,
    "diploma i/ii": Education.DIPLOMA, "akademi/diploma iii/s muda": Education.DIPLOMA,
    "s1": Education.DEGREE, "s2": Education.DEGREE, "s3": Education.DEGREE, "d4": Education.DEGREE,
    "diploma iv/strata i": Education.DEGREE, "strata ii": Education.DEGREE, "sarjana": Education.DEGREE,
}  # fmt: skip


def education(value: Any) -> str:
    if is_blank(value):
        return ""
    return _lookup(
        value,
        EDUCATION,
        _("Pendidikan"),
        ["Tidak/belum sekolah", "Tidak tamat SD", "SD", "SMP", "SMA", "Diploma", "S1"],
    )


def choice_table(choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accept a choice's code, its label, and each part of a label written as "a/b/c"."""
    table: dict[str, str] = {}
    for value, label in choices:
        for key in (value, str(label), *str(label).split("/")):
            table.setdefault(normalize(key), value)
    for key, value in (extra or {}).items():
        table[normalize(key)] = value
    return table


def choice(value: Any, table: dict[str, str], what: str, labels: list[str]) -> str:
    if is_blank(value):
        return ""
    return _lookup(value, table, what, labels)
