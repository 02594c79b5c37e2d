"""Load Kota Palangka Raya's 5 kecamatan and 30 kelurahan (Kemendagri codes) and mark the priority loci."""

import csv
from pathlib import Path

from django.db import migrations

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "palangka_raya_regions.csv"

# The city's priority loci (docs/DOMAIN.md, "Regions and priority loci"): three Sabangau kelurahan, all of Rakumpit.
PRIORITY_KELURAHAN = {"Kameloh Baru", "Danau Tundai", "Kereng Bangkirai"}
PRIORITY_KECAMATAN = {"Rakumpit"}


def load_regions(apps, schema_editor):
    Kecamatan = apps.get_model("households", "Kecamatan")
    Kelurahan = apps.get_model("households", "Kelurahan")
    with REGIONS_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kecamatan, _ = Kecamatan.objects.get_or_create(
                code=row["kecamatan_code"], defaults={"name": row["kecamatan_name"]}
            )
            Kelurahan.objects.get_or_create(
                code=row["kelurahan_code"],
                defaults={
                    "kecamatan": kecamatan,
                    "name": row["kelurahan_name"],
                    "is_priority_locus": row["kelurahan_name"] in PRIORITY_KELURAHAN
                    or row["kecamatan_name"] in PRIORITY_KECAMATAN,
                },
            )


def unload_regions(apps, schema_editor):
    apps.get_model("households", "Kelurahan").objects.all().delete()
    apps.get_model("households", "Kecamatan").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
