import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from households.models import Kecamatan, Kelurahan
from interventions.models import Program

pytestmark = pytest.mark.django_db


def test_all_migrations_are_applied():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_regions_are_the_citys_5_kecamatan_and_30_kelurahan_with_official_codes():
    assert Kecamatan.objects.count() == 5
    assert Kelurahan.objects.count() == 30
    kameloh = Kelurahan.objects.get(code="62.71.04.1004")
    assert (kameloh.name, kameloh.kecamatan.name, kameloh.kecamatan.code) == ("Kameloh Baru", "Sabangau", "62.71.04")
    assert all(code.startswith("62.71.") for code in Kelurahan.objects.values_list("code", flat=True))


def test_priority_loci_are_three_sabangau_kelurahan_and_all_of_rakumpit():
    priority = set(Kelurahan.objects.filter(is_priority_locus=True).values_list("name", flat=True))
    rakumpit = set(Kelurahan.objects.filter(kecamatan__name="Rakumpit").values_list("name", flat=True))
    assert len(rakumpit) == 7
    assert priority == {"Kameloh Baru", "Danau Tundai", "Kereng Bangkirai"} | rakumpit


def test_programmes_are_seeded_with_their_owner_opds():
    assert Program.objects.get(name="Pelatihan kerja").opd.short_name == "Disnaker"
    assert Program.objects.get(name="Bedah rumah tidak layak huni (RTLH)").opd.short_name == "Disperkimtan"
    assert Program.objects.filter(opd__short_name="Dinsos").count() >= 5
