"""Programmes from docs/DOMAIN.md ("Programmes and owner OPDs") with their usual owner OPD (admins edit them later)."""

from django.db import migrations

# (owner short name, name, strategy, target, unit, funding source)
PROGRAMS = [
    ("Dinsos", "PKH (Program Keluarga Harapan)", "reduce_burden", "household", "tahap", "apbn"),
    ("Dinsos", "BPNT/Sembako", "reduce_burden", "household", "bulan", "apbn"),
    ("Dinsos", "Pendaftaran PBI-JK (BPJS Kesehatan)", "reduce_burden", "person", "orang", "apbn"),
    ("Dinsos", "Permakanan", "reduce_burden", "person", "paket", "apbd_kota"),
    ("Dinsos", "Bantuan sandang", "reduce_burden", "person", "paket", "apbd_kota"),
    ("Dinsos", "Bantuan alat bantu disabilitas", "reduce_burden", "person", "unit", "apbd_kota"),
    ("Dinsos", "Bantuan usaha kelompok (KUBE)", "raise_income", "household", "kelompok", "apbd_kota"),
    ("Disdik", "PIP/KIP (bantuan sekolah)", "reduce_burden", "person", "orang", "apbn"),
    ("Disdik", "Pendaftaran kembali ke sekolah", "reduce_burden", "person", "orang", "apbd_kota"),
    ("Disnaker", "Pelatihan kerja", "raise_income", "person", "orang", "apbd_kota"),
    ("Disnaker", "Penempatan kerja", "raise_income", "person", "orang", "apbd_kota"),
    ("Diskop UKM", "Pendampingan UMKM", "raise_income", "person", "orang", "apbd_kota"),
    ("Disperkimtan", "Bedah rumah tidak layak huni (RTLH)", "reduce_pockets", "household", "rumah", "apbd_kota"),
    ("Disperkimtan", "Sambungan air bersih", "reduce_pockets", "household", "sambungan", "apbd_kota"),
    ("Disperkimtan", "Jamban sehat/sanitasi", "reduce_pockets", "household", "unit", "apbd_kota"),
    ("Disdukcapil", "Penerbitan KTP/KK/akta kelahiran", "enabler", "person", "dokumen", "apbd_kota"),
    ("DP3APPKB", "Pendampingan keluarga berisiko stunting", "reduce_burden", "person", "orang", "apbd_kota"),
]


def seed(apps, schema_editor):
    Opd = apps.get_model("accounts", "Opd")
    Program = apps.get_model("interventions", "Program")
    for owner, name, strategy, target, unit, funding in PROGRAMS:
        Program.objects.get_or_create(
            opd=Opd.objects.get(short_name=owner),
            name=name,
            defaults={"strategy": strategy, "target": target, "unit": unit, "funding_source": funding},
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial"), ("accounts", "0002_seed_opds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
