"""Kecamatan and kelurahan names as people write them, matched to the city's official list."""

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


class RegionIndex:
    """All 30 kelurahan in memory, so a 100,000-row file needs no query per row."""

    def __init__(self) -> None:
        self.kelurahan: dict[str, tuple[int, str]] = {}
        self.kecamatan: set[str] = set()
        for kelurahan in Kelurahan.objects.select_related("kecamatan"):
            kecamatan = canonical(kelurahan.kecamatan.name)
            self.kelurahan[canonical(kelurahan.name)] = (kelurahan.pk, kecamatan)
            self.kecamatan.add(kecamatan)

    def match(self, kecamatan_text, kelurahan_text) -> tuple[int | None, str | None, str | None]:
        """(kelurahan id, None, None), or (None, column, message) when the place cannot be matched."""
        if is_blank(kelurahan_text):
            return None, "kelurahan", _("Kelurahan wajib diisi.")
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
            return (
                None,
                "kelurahan",
                _("Kelurahan %(name)s tidak ada di Kota Palangka Raya.") % {"name": str(kelurahan_text).strip()},
            )
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
