from django.db import migrations


def derive_again(apps, schema_editor):
    """The derived data now has one definition (dashboard.derived): a member reached by a delivery of their
    own counts as served in whatever household they live now, and "fell back" comes from the status
    history. Derive every household again so stored values agree with it. Nothing to do without data."""
    if not apps.get_model("households", "Household").objects.exists():
        return
    from dashboard.derived import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_tallies"),
        ("households", "0006_visit_version"),
        ("interventions", "0003_program_period"),
        ("coordination", "0002_seed_rules"),
    ]

    operations = [migrations.RunPython(derive_again, migrations.RunPython.noop)]
