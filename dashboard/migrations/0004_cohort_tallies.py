from django.db import migrations


def count_cohorts(apps, schema_editor):
    """The baseline cohort is now counted in the tallies (measures cohort_*): derive again every household
    that holds a baseline member, so its ledger and the tallies carry them. Nothing to do without a baseline."""
    BaselinePerson = apps.get_model("dashboard", "BaselinePerson")
    ids = set(BaselinePerson.objects.values_list("person__household_id", flat=True).distinct())
    if not ids:
        return
    from dashboard.derived import refresh

    refresh(ids)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_derive_again"),
        ("households", "0009_household_members_index"),
        ("interventions", "0005_list_sort_index"),
        ("coordination", "0004_referral_status_dirujuk"),
    ]

    operations = [migrations.RunPython(count_cohorts, migrations.RunPython.noop)]
