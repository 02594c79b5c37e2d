"""The city's usual OPDs (admins rename, add or deactivate them later).

Dinas Kesehatan is left for the admin to create (README: the OPD-administration walk-through),
together with its caseworkers and programmes; until then health insurance enrolment sits with Dinsos.
"""

from django.db import migrations

OPDS = [
    ("Dinsos", "Dinas Sosial"),
    ("Disnaker", "Dinas Tenaga Kerja"),
    ("Disdik", "Dinas Pendidikan"),
    ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("Disperkimtan", "Dinas Perumahan, Kawasan Permukiman dan Pertanahan"),
    ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("Diskop UKM", "Dinas Koperasi dan Usaha Kecil Menengah"),
    ("DP3APPKB", "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan KB"),
    ("DKPP", "Dinas Ketahanan Pangan dan Pertanian"),
    ("Bappedalitbang", "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah"),
    ("Diskominfo", "Dinas Komunikasi, Informatika, Statistik dan Persandian"),
]


def seed(apps, schema_editor):
    Opd = apps.get_model("accounts", "Opd")
    for short_name, name in OPDS:
        Opd.objects.get_or_create(short_name=short_name, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
