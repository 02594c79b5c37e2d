"""The demo city seeded once per test database, and put back into each test that asks for it.

`seed_demo` takes seconds; writing the rows it wrote takes milliseconds. `DemoRows.record` runs the command
inside a transaction it rolls back, keeping every row the command inserted, changed or deleted (compared
table by table with the rows before it ran); `DemoRows.restore` writes exactly those rows again, with their
keys, as raw rows (no `save()`, no signals, no timestamps of their own), so the test sees the database
`seed_demo` left behind, derived numbers included.
"""

import io
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.test.utils import override_settings

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_demo() -> None:
    """The real command, as the demo fixtures always ran it (DEBUG on, test password hasher)."""
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER):
        call_command("seed_demo", stdout=io.StringIO())


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def columns_of(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.local_concrete_fields]


def rows_of(model: type[models.Model], using: str) -> dict:
    """pk -> the row's column values, as the ORM reads them."""
    names = columns_of(model)
    pk = names.index(model._meta.pk.attname)
    return {row[pk]: row for row in model._base_manager.using(using).order_by().values_list(*names)}


def _shape(model: type[models.Model], using: str) -> tuple[int, object]:
    """Row count and highest key. (Not the key of many-to-many rows: the serialized rollback of transactional
    tests writes those again with new keys, and nothing refers to them.)"""
    manager = model._base_manager.using(using).order_by()
    if model._meta.auto_created:
        return manager.count(), None
    shape = manager.aggregate(rows=models.Count("pk"), top=models.Max("pk"))
    return shape["rows"], shape["top"]


@dataclass
class DemoRows:
    # Every table's (row count, highest key) before seeding: the state a restore may start from.
    start: dict[type[models.Model], tuple[int, object]] = field(default_factory=dict)
    inserted: dict[type[models.Model], list[tuple]] = field(default_factory=dict)
    changed: dict[type[models.Model], list[tuple]] = field(default_factory=dict)
    deleted: dict[type[models.Model], list] = field(default_factory=dict)

    @classmethod
    def record(cls, using: str = DEFAULT_DB_ALIAS) -> "DemoRows":
        """Run seed_demo in a transaction that is rolled back, and keep what it wrote."""
        tables = _tables()
        recorded = cls()
        with transaction.atomic(using=using):
            recorded.start = {model: _shape(model, using) for model in tables}
            before = {model: rows_of(model, using) for model in tables}
            seed_demo()
            for model in tables:
                after = rows_of(model, using)
                old = before[model]
                if rows := [row for pk, row in after.items() if pk not in old]:
                    recorded.inserted[model] = rows
                if rows := [row for pk, row in after.items() if pk in old and old[pk] != row]:
                    recorded.changed[model] = rows
                if pks := [pk for pk in old if pk not in after]:
                    recorded.deleted[model] = pks
            transaction.set_rollback(True, using=using)
        return recorded

    def fits(self, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Whether the database is still as it was before seeding (a fresh test database)."""
        return all(_shape(model, using) == shape for model, shape in self.start.items())

    def restore(self, using: str = DEFAULT_DB_ALIAS) -> None:
        """Write the demo into this (fresh) database, in one transaction."""
        connection = connections[using]
        with transaction.atomic(using=using):
            for model, pks in self.deleted.items():
                model._base_manager.using(using).filter(pk__in=pks)._raw_delete(using)
            for model, rows in self.changed.items():
                names = columns_of(model)
                pk = names.index(model._meta.pk.attname)
                for row in rows:
                    values = dict(zip(names, row, strict=True))
                    model._base_manager.using(using).filter(pk=row[pk]).update(**values)
            for model, rows in self.inserted.items():
                fields = model._meta.local_concrete_fields
                names = columns_of(model)
                objs = [model(**dict(zip(names, row, strict=True))) for row in rows]
                size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
                for start in range(0, len(objs), size):
                    # raw=True: the stored values as they are (auto_now/auto_now_add are not applied).
                    model._base_manager.using(using)._insert(objs[start : start + size], fields=fields, raw=True)
            # PostgreSQL: the sequences continue after the keys written here (SQLite needs nothing).
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.inserted)):
                    cursor.execute(sql)
