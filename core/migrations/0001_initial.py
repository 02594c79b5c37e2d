"""FormSubmission moves from the project package (`poverty`) to `core`: the table stays as it is, only
Django's record of which app owns the model changes (`poverty` 0002 forgets it on its side)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("poverty", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FormSubmission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token", models.UUIDField(unique=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("redirect_to", models.CharField(blank=True, max_length=500)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "poverty_formsubmission",
                        "indexes": [models.Index(fields=["created_at"], name="poverty_submission_at_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
