"""NIK and No. KK rules (see docs/DOMAIN.md, "Identity numbers").

NIK digits: 1-6 region where first registered (province, city, kecamatan),
7-12 birth date DDMMYY with 40 added to the day for women, 13-16 a serial from 0001.
The region need not be Palangka Raya: a NIK never changes when a person moves.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Kemendagri province codes (two digits), including the Papua provinces created in 2022.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36", "51", "52", "53",
        "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
        "81", "82", "91", "92", "93", "94", "95", "96", "97",
    }
)  # fmt: skip

SIXTEEN_DIGITS = re.compile(r"\d{16}")
MALE, FEMALE = "L", "P"


def _require_16_digits(value: str, label: str) -> None:
    if not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("%(label)s hanya boleh berisi angka (tanpa huruf, spasi atau tanda baca)."),
            code="not_digits",
            params={"label": label},
        )
    if len(value) != 16:
        raise ValidationError(
            _("%(label)s harus 16 digit; yang diisi %(count)d digit."),
            code="length",
            params={"label": label, "count": len(value)},
        )


def _require_region(value: str, label: str) -> None:
    if value[:2] not in PROVINCE_CODES or value[2:4] == "00" or value[4:6] == "00":
        raise ValidationError(
            _("6 digit pertama %(label)s (%(prefix)s) bukan kode wilayah yang dikenal."),
            code="region",
            params={"label": label, "prefix": value[:6]},
        )


def nik_birth_info(nik: str) -> tuple[int, int, int, str]:
    """(day, month, two-digit year, sex) encoded in digits 7-12 of a 16-digit NIK."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:
        return day - 40, month, year, FEMALE
    return day, month, year, MALE


def validate_nik(value: str, *, birth_date: datetime.date | None = None, sex: str | None = None) -> None:
    """Raise ValidationError with an Indonesian message when `value` cannot be this person's NIK. A NIK that
    disagrees with both the birth date and the sex typed gets both messages at once."""
    label = "NIK"
    _require_16_digits(value, label)
    _require_region(value, label)
    day, month, year, encoded_sex = nik_birth_info(value)
    raw_day = int(value[6:8])
    if not (1 <= raw_day <= 31 or 41 <= raw_day <= 71) or not 1 <= month <= 12:
        raise ValidationError(
            _("Digit 7-12 NIK (%(digits)s) bukan tanggal lahir yang mungkin."),
            code="impossible_date",
            params={"digits": value[6:12]},
        )
    # 29 February needs a leap year; with a two-digit year, 2000 (leap) stands for "00".
    try:
        datetime.date(2000 + year, month, day)
    except ValueError:
        raise ValidationError(
            _("Digit 7-12 NIK (%(digits)s) bukan tanggal lahir yang mungkin."),
            code="impossible_date",
            params={"digits": value[6:12]},
        ) from None
    if value[12:] == "0000":
        raise ValidationError(_("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."), code="serial")
    disagreements = []
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year):
        disagreements.append(
            ValidationError(
                _(
                    "Tanggal lahir dalam NIK (%(encoded)s) tidak sama dengan tanggal lahir yang diisi "
                    "(%(given)s). Periksa NIK atau tanggal lahir."
                ),
                code="birth_date_mismatch",
                params={"encoded": f"{day:02d}/{month:02d}/{year:02d}", "given": birth_date.strftime("%d/%m/%Y")},
            )
        )
    if sex in (MALE, FEMALE) and sex != encoded_sex:
        disagreements.append(
            ValidationError(
                _(
                    "Jenis kelamin dalam NIK (%(encoded)s) tidak sama dengan yang diisi. Pada NIK perempuan, "
                    "tanggal lahir ditambah 40."
                ),
                code="sex_mismatch",
                params={"encoded": _("perempuan") if encoded_sex == FEMALE else _("laki-laki")},
            )
        )
    if len(disagreements) == 1:
        raise disagreements[0]
    if disagreements:
        raise ValidationError(disagreements)


def validate_no_kk(value: str) -> None:
    label = "No. KK"
    _require_16_digits(value, label)
    _require_region(value, label)


def validate_nik_format(value: str) -> None:
    """Field-level validator: what can be checked without the person's other fields."""
    validate_nik(value)


def make_nik(*, region: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """Build the NIK that Dukcapil would issue; used by demo data and tests."""
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
