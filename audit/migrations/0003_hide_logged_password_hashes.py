"""Accounts created before secrets were kept out of the change log had their password hash logged: replace
every logged password value with the mark the log now writes (the hash is gone; that it was set is kept)."""

from django.db import migrations

HIDDEN = "••••••"


def hide(apps, schema_editor):
    ChangeLog = apps.get_model("audit", "ChangeLog")
    for entry in ChangeLog.objects.filter(changes__has_key="password").only("id", "changes").iterator():
        old, new = entry.changes["password"]
        entry.changes["password"] = [HIDDEN if old else old, HIDDEN if new else new]
        ChangeLog.objects.filter(pk=entry.pk).update(changes=entry.changes)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_accesslog")]

    operations = [migrations.RunPython(hide, migrations.RunPython.noop)]
