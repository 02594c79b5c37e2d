"""A DTSEN list as it arrives (issue 15, item 2): its column names, a BOM and `;`, an NIK Excel turned into a
number, Kemendagri and BPS region codes mixed — read as a dated DTSEN snapshot of rankings."""

import datetime

import pytest
from django.urls import reverse

from households.models import Household, Person, Ranking
from imports.models import ImportBatch
from tests.imports.helpers import upload

pytestmark = pytest.mark.django_db

HEADER = (
    "nomor_kartu_keluarga;nomor_induk_kependudukan;nama;jenis_kelamin;tanggal_lahir;"
    "hubungan_dengan_kepala_keluarga;alamat;nama_desa;kode_desa;desil_nasional"
)
ROWS = [
    # KK; NIK; name; sex; born; relation; address; kelurahan; code; desil
    "6271042001000001;6271040506800001;Rudi Hartono;L;05/06/1980;Kepala Keluarga;Jl. Mahir Mahar 9;;62.71.04.1004;1",
    "6271042001000001;6271044506850002;Siti Aminah;P;05/06/1985;Istri;Jl. Mahir Mahar 9;;62.71.04.1004;1",
    # a BPS code that is also Kemendagri's 62.71.01.1004 without dots: the kelurahan's name settles it
    "6271042001000002;6271040101900004;Budi;L;01/01/1990;Kepala Keluarga;Jl. Mahir 2;Kameloh Baru;6271011004;3",
    # a Kemendagri code without dots that no BPS code shares
    "6271052001000003;6271050101900003;Joko;L;01/01/1990;Kepala Keluarga;Jl. Petuk Bukit 1;;6271051001;2",
    # an NIK Excel turned into a number: refused, never repaired; the family waits to be uploaded again
    "6271042001000004;6,27104E+15;Ani;P;05/06/1985;Kepala Keluarga;Jl. Sabaru 4;;62.71.04.1006;1",
]  # fmt: skip
OCTOBER = datetime.date(2025, 10, 1)


def dtsen_csv() -> bytes:
    return ("\ufeff" + "\r\n".join([HEADER, *ROWS]) + "\r\n").encode("utf-8")


def test_a_dtsen_list_imports_as_a_dated_snapshot_of_rankings(client_as):
    client = client_as("supervisor")
    upload(client, dtsen_csv(), "dtsen-oktober-2025.csv", list_kind="dtsen", as_of="01/10/2025")
    batch = ImportBatch.objects.get()
    assert batch.summary["households"] == {"new": 3, "updated": 0, "unchanged": 0, "skipped": 1, "older": 0}
    assert batch.summary["unknown_columns"] == []
    (refused,) = batch.errors
    assert refused["row"] == 6 and refused["problems"][0][0] == "nik" and "Excel" in refused["problems"][0][1]
    client.post(reverse("imports:confirm", args=[batch.pk]))
    places = dict(Household.objects.values_list("no_kk", "kelurahan__name"))
    assert places == {
        "6271042001000001": "Kameloh Baru",
        "6271042001000002": "Kameloh Baru",
        "6271052001000003": "Petuk Bukit",
    }
    ranked = {r.household.no_kk: (r.source, r.as_of, r.desil) for r in Ranking.objects.select_related("household")}
    assert ranked == {
        "6271042001000001": ("dtsen", OCTOBER, 1),
        "6271042001000002": ("dtsen", OCTOBER, 3),
        "6271052001000003": ("dtsen", OCTOBER, 2),
    }
    assert set(Household.objects.values_list("desil_source", "desil_as_of")) == {("dtsen", OCTOBER)}


def test_the_template_names_the_dtsen_columns(client_as):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_as("supervisor").get(reverse("imports:template"))
    guide = load_workbook(BytesIO(b"".join(response.streaming_content)))["Petunjuk"]
    text = " ".join(str(cell) for line in guide.iter_rows(values_only=True) for cell in line if cell)
    for name in ("nomor_induk_kependudukan", "nomor_kartu_keluarga", "kode_desa", "desil_nasional", "peringkat"):
        assert name in text


def test_a_family_id_column_of_a_dtsen_list_is_the_lists_own_id_not_the_p3ke_id(client_as):
    """`id_keluarga` names no list: in a P3KE file it is the P3KE family id, in a DTSEN file DTSEN's own id, kept with
    the ranking (the family known by its P3KE id is matched by its KK, its P3KE id left as it is)."""
    from tests.imports.helpers import row, spouse, xlsx

    client = client_as("supervisor")
    header = ["id_keluarga", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir", "hubungan_keluarga",
              "kecamatan", "kelurahan", "alamat", "desil"]  # fmt: skip
    p3ke = [row(id_keluarga="P3KE-T-001", desil="2"), spouse(id_keluarga="P3KE-T-001", desil="2")]
    upload(client, xlsx(p3ke, header=header), "p3ke.xlsx", list_kind="p3ke", as_of="15/01/2024")
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    family = Household.objects.get()
    assert family.p3ke_id == "P3KE-T-001"
    dtsen = [row(id_keluarga="DTSEN-77", desil="1"), spouse(id_keluarga="DTSEN-77", desil="1")]
    upload(client, xlsx(dtsen, header=header), "dtsen.xlsx", list_kind="dtsen", as_of="01/10/2025")
    batch = ImportBatch.objects.latest("id")
    assert batch.summary["households"]["unchanged"] == 1 and batch.summary["households"]["skipped"] == 0
    client.post(reverse("imports:confirm", args=[batch.pk]))
    family.refresh_from_db()
    assert family.p3ke_id == "P3KE-T-001" and Household.objects.count() == 1
    assert dict(family.rankings.values_list("source", "family_id")) == {"p3ke": "P3KE-T-001", "dtsen": "DTSEN-77"}


def test_a_list_without_a_sex_column_reads_the_sex_from_the_nik(client_as):
    """DTSEN exports do not always carry the sex (found by a new user's trial: such a file was refused). The NIK
    says it; a member with neither is refused with the reason, the rest of the file imports."""
    header = "no_kk;nik;nama;hubungan_keluarga;alamat;kode_desa;desil"
    rows = [
        "6271042001000001;6271040506800001;Rudi Hartono;Kepala Keluarga;Jl. Mahir Mahar 9;62.71.04.1004;1",
        "6271042001000001;6271044506850002;Siti Aminah;Istri;Jl. Mahir Mahar 9;62.71.04.1004;1",
        "6271042001000002;;Tanpa NIK;Kepala Keluarga;Jl. Mahir 2;62.71.04.1004;2",
    ]
    content = ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")
    client = client_as("supervisor")
    upload(client, content, "dtsen-tanpa-jk.csv", list_kind="dtsen", as_of="01/10/2025")
    batch = ImportBatch.objects.get()
    (refused,) = batch.errors
    assert refused["row"] == 4 and refused["problems"] == [["jenis_kelamin", refused["problems"][0][1]]]
    assert "dibaca dari NIK" in refused["problems"][0][1]
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert dict(Person.objects.values_list("full_name", "sex")) == {"Rudi Hartono": "L", "Siti Aminah": "P"}
