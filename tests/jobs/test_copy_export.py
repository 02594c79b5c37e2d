"""A large registry CSV is written by the database (PostgreSQL's COPY; row by row elsewhere) from cells it
computes itself. The file must read back exactly as the Python writer's: same labels, dates, masking and formula
safety, cell by cell, on hostile data."""

import csv
import datetime
import io

import pytest

from audit.casework import case_scope
from cases.exports import registry_cells, registry_rows
from core.exports import safe_cell
from households.models import Household, Person
from households.nik import make_nik
from households.rankings import ranking_record
from households.services import household_register
from jobs import files
from tests.factories import kelurahan
from tests.test_spreadsheet_safety import HOSTILE, LINK

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1980, 6, 5)
# Text people type or old lists carry: formulas behind every kind of blank and look-alike sign, separators,
# quotes, line breaks, and text that only looks dangerous further in.
ODD = [
    *HOSTILE,
    "\u3000=1",  # ideographic space, then =
    "\u00a0+1",  # no-break space
    "\ufe66x",  # small equals sign: NFKC "="
    "\u207b1",  # superscript minus
    "\uff20home",  # full-width @
    "a;b",
    'kata "kutip"',
    "baris\nbaru",
    "1=1",
    "x-1",
    "'sudah",
    "\\.",
    "",
]


def read(path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.fixture
def odd_registry(supervisor) -> None:
    """Households registered through the services, then given the odd text as old data would carry it."""
    for n, text in enumerate(ODD):
        born, sex = BIRTH + datetime.timedelta(days=n * 400), "LP"[n % 2]
        household = household_register(
            actor=supervisor,
            kelurahan=kelurahan("Kameloh Baru" if n % 2 else "Danau Tundai"),
            address="Jl. Mahir Mahar",
            members=[
                {
                    "full_name": f"Warga {n}",
                    "sex": sex,
                    "birth_date": born,
                    "relation": "kepala",
                    "nik": make_nik(region="627104", birth_date=born, sex=sex, serial=n + 1),
                },
                {"full_name": f"Anak {n}", "sex": "L", "birth_date": BIRTH, "relation": "anak"},
            ],
        )
        if n % 5:
            ranking_record(household=household, source="dtsen", as_of=BIRTH, desil=n % 5, actor=supervisor)
        with case_scope():
            Person.objects.filter(household=household, relation="kepala").update(
                full_name=text or LINK, birth_place=text, occupation=text
            )
            Household.objects.filter(pk=household.pk).update(
                p3ke_id=text[:40], address=text, rt=text[:3], no_kk=f"1234{n}" if n % 3 else f"62710412345{n:05d}"
            )


@pytest.mark.parametrize("full_numbers", [False, True])
def test_the_database_writes_the_same_cells_as_the_python_writer(odd_registry, tmp_path, full_numbers):
    households = Household.objects.all()
    rows = registry_rows(households, full_numbers=full_numbers)
    by_python, by_database = files.Written(), files.Written()
    files.write_csv(tmp_path / "python.csv", rows, by_python, lambda n: None)
    header = next(iter(registry_rows(households, full_numbers=full_numbers)))
    steps = []
    files.copy_csv(
        tmp_path / "db.csv", header, registry_cells(households, full_numbers=full_numbers), by_database, steps.append
    )

    expected, got = read(tmp_path / "python.csv"), read(tmp_path / "db.csv")
    assert len(expected) == 1 + 2 * len(ODD) and by_python.rows == 2 * len(ODD)
    assert got[0] == expected[0]
    for python_row, database_row in zip(expected[1:], got[1:], strict=True):
        assert dict(zip(expected[0], database_row, strict=True)) == dict(zip(expected[0], python_row, strict=True))
    assert by_database.rows == by_python.rows and sum(steps) == by_database.rows
    # The hostile text really was there to neutralise, and masking really happened (or did not).
    names = [row[expected[0].index("nama")] for row in got[1:]]
    assert sum(name.startswith("'") for name in names) >= len(HOSTILE) + 4
    niks = [row[expected[0].index("nik")] for row in got[1:] if row[expected[0].index("nik")]]
    assert niks and all(("\u2022" in nik) != full_numbers for nik in niks)


def test_a_formula_the_database_missed_would_be_seen(odd_registry, tmp_path):
    """The comparison above can fail: a cell written without the safety rule differs from the Python writer's."""
    households = Household.objects.all()
    header = next(iter(registry_rows(households, full_numbers=False)))
    written = files.Written()
    unsafe = (
        registry_cells(households, full_numbers=False).values_list("full_name", flat=False).order_by("household_id")
    )
    files.copy_csv(tmp_path / "unsafe.csv", header[:1], unsafe, written, lambda n: None)
    names = [row[0] for row in read(tmp_path / "unsafe.csv")[1:]]
    assert [safe_cell(name) for name in names] != names
