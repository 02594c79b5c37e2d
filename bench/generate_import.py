"""Write a realistic P3KE-style import file: families of about 3.3 persons over all 30 kelurahan.

    python bench/generate_import.py --rows 100000 --out bench/out/import-100k.xlsx

NIKs agree with birth date and sex and are unique; No. KK and P3KE ids are unique per family.
"""

import argparse
import datetime
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGIONS = [
    line.split(",") for line in (ROOT / "households/data/palangka_raya_regions.csv").read_text().splitlines()[1:]
]
HEADER = [
    "id_keluarga_p3ke", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "tempat_lahir", "hubungan_keluarga",
    "kecamatan", "kelurahan", "alamat", "rt", "rw", "desil", "status_miskin_ekstrem", "pekerjaan", "pendidikan",
    "status_kepemilikan_rumah", "jenis_lantai", "jenis_dinding", "jenis_atap", "sumber_penerangan",
    "bahan_bakar_memasak", "sumber_air_minum", "fasilitas_bab",
]  # fmt: skip
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Ani", "Joko", "Rina", "Andi", "Sri", "Yanto", "Lina", "Hadi", "Wati"]
LAST = ["Santoso", "Hartono", "Wibowo", "Saputra", "Lestari", "Pratama", "Rahayu", "Nugroho", "Kurniawan", "Utami"]


def nik(region: str, birth: datetime.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def rows(count: int, seed: int = 7):
    rng = random.Random(seed)
    today = datetime.date(2026, 1, 1)
    written, family = 0, 0
    serials: dict[str, int] = {}
    while written < count:
        family += 1
        kecamatan_code, kecamatan, _code, kelurahan, *_bps_codes = rng.choice(REGIONS)
        region = kecamatan_code.replace(".", "")
        size = min(count - written, rng.choice([1, 2, 3, 3, 4, 4, 5, 6]))
        household = [f"P3KE-B-{family:07d}", f"{region}{family:010d}"]
        address = [kecamatan, kelurahan, f"Jl. Contoh No. {rng.randint(1, 200)}", rng.randint(1, 15), rng.randint(1, 6)]
        house = [
            "Milik sendiri",
            "Tanah",
            "Anyaman bambu",
            "Seng",
            "Listrik PLN meteran",
            "Kayu bakar/arang",
            "Sumur bor/pompa",
            "Tidak ada",
        ]
        desil = rng.randint(1, 4)
        for index in range(size):
            sex = "L" if (index == 0) == (rng.random() < 0.8) else "P"
            age = rng.randint(25, 70) if index < 2 else rng.randint(0, 24)
            birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            key = f"{region}{birth:%d%m%y}{sex}"
            serials[key] = serials.get(key, 0) + 1
            relation = "Kepala Keluarga" if index == 0 else "Istri/Suami" if index == 1 else "Anak"
            yield [
                *household,
                nik(region, birth, sex, serials[key]),
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                sex,
                birth.strftime("%d/%m/%Y"),
                "Palangka Raya",
                relation,
                *address,
                desil,
                "Ya" if desil == 1 else "Tidak",
                "Buruh harian lepas" if age >= 18 else "",
                "SD",
                *house,
            ]
            written += 1


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="49" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_like_excel(path: Path, header: list, data) -> None:
    """An .xlsx as Excel saves it: shared strings, a sheet dimension, text cells for identity numbers."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}
    letters = [column_letter(i) for i in range(len(header))]
    lines = []
    for number, row in enumerate([header, *data], start=1):
        cells = []
        for letter, value in zip(letters, row, strict=True):
            if isinstance(value, int):
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            elif value != "":
                index = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{letter}{number}" t="s" s="1"><v>{index}</v></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{letters[-1]}{len(lines)}"/><sheetData>{"".join(lines)}</sheetData></worksheet>'
    )
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    shared_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/sharedStrings.xml", shared_xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/import-100k.xlsx")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_like_excel(args.out, HEADER, rows(args.rows))
    print(f"{args.rows} rows -> {args.out} ({args.out.stat().st_size / 1_048_576:.1f} MB)")


if __name__ == "__main__":
    main()
