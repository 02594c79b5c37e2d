"""Who answers which need, as the city usually divides the work (admins edit this table)."""

from django.db import migrations

# need, OPD short name, suggested programmes, days to respond
RULES = [
    ("no_documents", "Disdukcapil", ["Penerbitan KTP/KK/akta kelahiran"], 30),
    ("no_health_insurance", "Dinsos", ["Pendaftaran PBI-JK (BPJS Kesehatan)"], 30),
    ("child_out_of_school", "Disdik", ["Pendaftaran kembali ke sekolah", "PIP/KIP (bantuan sekolah)"], 90),
    ("no_work", "Disnaker", ["Pelatihan kerja", "Penempatan kerja"], 90),
    ("no_food_aid", "Dinsos", ["BPNT/Sembako", "Permakanan"], 30),
    ("uninhabitable_house", "Disperkimtan", ["Bedah rumah tidak layak huni (RTLH)"], 180),
    ("no_clean_water", "Disperkimtan", ["Sambungan air bersih"], 120),
    ("no_toilet", "Disperkimtan", ["Jamban sehat/sanitasi"], 120),
    ("no_electricity", "Disperkimtan", [], 180),
    ("disability_unsupported", "Dinsos", ["Bantuan alat bantu disabilitas"], 60),
    ("stunting_risk", "DP3APPKB", ["Pendampingan keluarga berisiko stunting"], 30),
]


def seed(apps, schema_editor):
    Opd = apps.get_model("accounts", "Opd")
    Program = apps.get_model("interventions", "Program")
    Rule = apps.get_model("coordination", "ResponsibilityRule")
    for need, opd, programs, days in RULES:
        rule, created = Rule.objects.get_or_create(
            need=need, defaults={"opd": Opd.objects.get(short_name=opd), "due_days": days}
        )
        if created:
            rule.programs.set(Program.objects.filter(name__in=programs))


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0001_initial"),
        ("interventions", "0003_program_period"),
        ("accounts", "0002_seed_opds"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
