"""Kecamatan and kelurahan names and codes as people write them, matched to the city's official list.

A region code may be Kemendagri's (62.71.04.1004, or without dots 6271041004) or BPS's (6271011004): the two
systems number the kecamatan differently, so a Kemendagri code without its dots can be the BPS code of another
kelurahan. Such a code is taken only when the kelurahan's name, in the same row, says which one is meant."""

import difflib
import re
from typing import Any

from django.utils.translation import gettext as _

from households.models import Kelurahan
from imports.cleaning import is_blank, normalize

PREFIXES = ("kelurahan ", "kel ", "desa ", "kecamatan ", "kec ", "kota ")
# Known misspellings (docs/DOMAIN.md, "Regions and priority loci"), normalized -> official, normalized.
MISSPELLINGS = {
    "petuk berunai": "petuk barunai",
    "petuk ketimpun": "petuk katimpun",
    "kereng bengkirai": "kereng bangkirai",
    "kelampangan": "kalampangan",
    "penjehang": "panjehang",
    "rangkumpit": "rakumpit",
    "sebangau": "sabangau",
}


def canonical(value: str) -> str:
    name = normalize(value).replace(".", " ")
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if name.startswith(prefix):
                name, changed = name[len(prefix) :].strip(), True
    return MISSPELLINGS.get(name, name)


def code_text(value: Any) -> str:
    """A code as written: an Excel number (6271011004.0) as its digits, spaces removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(str(value).split())


class RegionIndex:
    """All 30 kelurahan in memory, so a 100,000-row file needs no query per row."""

    def __init__(self) -> None:
        self.kelurahan: dict[str, tuple[int, str]] = {}
        self.kecamatan: set[str] = set()
        self.names: dict[int, str] = {}
        # code -> [(kelurahan id, "Kemendagri" or "BPS")]: a 10-digit code may stand for two places
        self.codes: dict[str, list[tuple[int, str]]] = {}
        self.kecamatan_codes: set[str] = set()
        for kelurahan in Kelurahan.objects.select_related("kecamatan"):
            kecamatan = canonical(kelurahan.kecamatan.name)
            self.kelurahan[canonical(kelurahan.name)] = (kelurahan.pk, kecamatan)
            self.kecamatan.add(kecamatan)
            self.names[kelurahan.pk] = kelurahan.name
            for code, system in (
                (kelurahan.code, "Kemendagri"),
                (kelurahan.code.replace(".", ""), "Kemendagri"),
                (kelurahan.bps_code, "BPS"),
            ):
                if code:
                    self.codes.setdefault(code, []).append((kelurahan.pk, system))
            self.kecamatan_codes |= {kelurahan.kecamatan.code, kelurahan.kecamatan.code.replace(".", "")}
            if kelurahan.kecamatan.bps_code:
                self.kecamatan_codes.add(kelurahan.kecamatan.bps_code)

    def match(
        self, kecamatan_text: Any, kelurahan_text: Any, code: Any = None
    ) -> tuple[int | None, str | None, str | None]:
        """(kelurahan id, None, None), or (None, column, message) when the place cannot be matched."""
        if not is_blank(code):
            return self._match_code(code_text(code), kecamatan_text, kelurahan_text)
        if is_blank(kelurahan_text):
            return None, "kelurahan", _("Kelurahan wajib diisi.")
        return self._match_name(kecamatan_text, kelurahan_text)

    def _match_code(
        self, code: str, kecamatan_text: Any, kelurahan_text: Any
    ) -> tuple[int | None, str | None, str | None]:
        found = self.codes.get(code, [])
        by_name = None if is_blank(kelurahan_text) else self.kelurahan.get(canonical(kelurahan_text))
        if not found:
            if code in self.kecamatan_codes:
                message = _("Kode wilayah %(code)s adalah kode kecamatan; isi kode kelurahannya.")
            elif re.fullmatch(r"[0-9.]+", code) and not code.startswith(("62.71", "6271")):
                message = _("Kode wilayah %(code)s bukan wilayah Kota Palangka Raya.")
            else:
                message = _(
                    "Kode wilayah %(code)s tidak dikenal: tulis kode kelurahan Kemendagri (mis. 62.71.04.1004) "
                    "atau BPS (mis. 6271010004)."
                )
            return None, "kode_wilayah", message % {"code": code[:40]}
        if len({kelurahan_id for kelurahan_id, _system in found}) > 1:
            chosen = [
                (kelurahan_id, system) for kelurahan_id, system in found if by_name and by_name[0] == kelurahan_id
            ]
            if not chosen:
                places = f" {_('atau')} ".join(
                    f"{self.names[kelurahan_id]} ({system})" for kelurahan_id, system in found
                )
                return (
                    None,
                    "kode_wilayah",
                    _(
                        "Kode wilayah %(code)s bisa berarti %(places)s. Isi kolom kelurahan (nama kelurahannya), "
                        "atau tulis kode Kemendagri dengan titik (62.71.xx.xxxx)."
                    )
                    % {"code": code, "places": places},
                )
            found = chosen
        kelurahan_id, system = found[0]
        if by_name is None and not is_blank(kelurahan_text):
            return self._match_name(kecamatan_text, kelurahan_text)  # the name's own message
        if by_name is not None and by_name[0] != kelurahan_id:
            return (
                None,
                "kode_wilayah",
                _("Kode wilayah %(code)s (%(system)s) adalah Kelurahan %(coded)s, bukan %(named)s.")
                % {
                    "code": code,
                    "system": system,
                    "coded": self.names[kelurahan_id],
                    "named": str(kelurahan_text).strip(),
                },
            )
        return self._match_name(kecamatan_text, self.names[kelurahan_id])

    def _match_name(self, kecamatan_text: Any, kelurahan_text: Any) -> tuple[int | None, str | None, str | None]:
        name = canonical(kelurahan_text)
        found = self.kelurahan.get(name)
        if found is None:
            if name in self.kecamatan:
                return (
                    None,
                    "kelurahan",
                    _("%(name)s adalah kecamatan, bukan kelurahan; isi nama kelurahannya.")
                    % {"name": str(kelurahan_text).strip()},
                )
            message = _("Kelurahan %(name)s tidak ada di Kota Palangka Raya.") % {"name": str(kelurahan_text).strip()}
            close = difflib.get_close_matches(name, self.kelurahan, n=1, cutoff=0.8)
            if close:
                message += " " + _("Maksud Anda %(name)s?") % {"name": self.names[self.kelurahan[close[0]][0]]}
            return None, "kelurahan", message
        kelurahan_id, kecamatan = found
        if not is_blank(kecamatan_text):
            given = canonical(kecamatan_text)
            if given not in self.kecamatan:
                return (
                    None,
                    "kecamatan",
                    _("Kecamatan %(name)s tidak ada di Kota Palangka Raya.") % {"name": str(kecamatan_text).strip()},
                )
            if given != kecamatan:
                return (
                    None,
                    "kecamatan",
                    _("Kelurahan %(kel)s tidak berada di Kecamatan %(kec)s.")
                    % {
                        "kel": str(kelurahan_text).strip(),
                        "kec": str(kecamatan_text).strip(),
                    },
                )
        return kelurahan_id, None, None
