"""FormSubmission now belongs to `core` (its migration 0001 takes it over); the table is kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("poverty", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FormSubmission")],
            database_operations=[],
        ),
    ]
