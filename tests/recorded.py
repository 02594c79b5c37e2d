"""Test data built once per test database, then put back row for row into each test that asks for it again.

Building through the services is what makes the data real (validated, logged, counted into the derived
numbers), and it is slow: the demo city takes seconds, a permission test's handful of records a quarter of a
second. `once(key, build)` runs `build()` the first time and records every row it inserted, changed or deleted
(table by table, against the rows before it ran). The next time `once` is called with the same key on a
database in the same state (every table with the same row count and highest key: each test starts from the
same migrated database, and what ran before in the test was itself put back with its keys), it writes exactly
those rows again, with their keys, as raw rows (no `save()`, no signals, no timestamps of its own), and returns
a deep copy of what `build()` returned then: the objects as the first test got them. In any other state
`build()` simply runs (and is recorded for that state, a few times at most).

Each test's writes are still rolled back (or flushed, in transactional tests) as before: nothing leaks into a
test that did not ask for the data.
"""

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

T = TypeVar("T")
# Different states one key is recorded for before `once` stops recording and just builds.
MAX_RECORDINGS_PER_KEY = 3
INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def columns_of(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.local_concrete_fields]


def rows_of(model: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> dict:
    """pk -> the row's column values, as the ORM reads them."""
    names = columns_of(model)
    pk = names.index(model._meta.pk.attname)
    return {row[pk]: row for row in model._base_manager.using(using).order_by().values_list(*names)}


def state(using: str = DEFAULT_DB_ALIAS) -> tuple:
    """Every table's row count and highest key, in one query. (Not the key of many-to-many rows: the
    serialized rollback of transactional tests writes those again with new keys, and nothing refers to them.)"""
    connection = connections[using]
    quote = connection.ops.quote_name
    parts = []
    for model in tables():
        pk = model._meta.pk
        integer = not model._meta.auto_created and getattr(pk, "target_field", pk).get_internal_type() in INTEGER_KEYS
        top = f"MAX({quote(pk.column)})" if integer else "NULL"
        parts.append(f"SELECT COUNT(*), {top} FROM {quote(model._meta.db_table)}")  # noqa: S608 - our own tables
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(cursor.fetchall())


@dataclass
class Recording:
    inserted: dict[type[models.Model], list[tuple]] = field(default_factory=dict)
    changed: dict[type[models.Model], list[tuple]] = field(default_factory=dict)
    deleted: dict[type[models.Model], list] = field(default_factory=dict)
    value: Any = None

    @classmethod
    def take(cls, build: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> tuple["Recording", T]:
        """Run `build()` (its writes stay) and record what it wrote and a copy of what it returned."""
        before = {model: rows_of(model, using) for model in tables()}
        value = build()
        recording = cls(value=copy.deepcopy(value))
        for model, old in before.items():
            after = rows_of(model, using)
            if rows := [row for pk, row in after.items() if pk not in old]:
                recording.inserted[model] = rows
            if rows := [row for pk, row in after.items() if pk in old and old[pk] != row]:
                recording.changed[model] = rows
            if pks := [pk for pk in old if pk not in after]:
                recording.deleted[model] = pks
        return recording, value

    def restore(self, using: str = DEFAULT_DB_ALIAS) -> Any:
        """Write the recorded rows again, in one transaction; a fresh copy of what `build()` returned."""
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
        return copy.deepcopy(self.value)


# (test database alias, key) -> {database state before build -> what build wrote}; per process (xdist worker).
_recordings: dict[tuple[str, str], dict[tuple, Recording]] = {}


def once(key: str, build: Callable[[], T], using: str = DEFAULT_DB_ALIAS) -> T:
    """`build()`, or what it wrote and returned when it ran on a database in this same state (see above).
    `key` names what `build` makes; it must always make the same thing from the same database."""
    recorded = _recordings.setdefault((using, key), {})
    before = state(using)
    if (recording := recorded.get(before)) is not None:
        return recording.restore(using)
    if len(recorded) >= MAX_RECORDINGS_PER_KEY:
        return build()
    recording, value = Recording.take(build, using)
    if not any(model._meta.auto_created for model in [*recording.inserted, *recording.changed, *recording.deleted]):
        recorded[before] = recording  # (many-to-many keys are not part of the state: such rows are not put back)
    return value


def recorded(fixture: Callable[..., T]) -> Callable[..., T]:
    """Under `@pytest.fixture`: the fixture's rows are written through `once`, keyed by its name. Only for a
    fixture whose result depends on nothing but the database (and fixtures that are themselves recorded)."""

    @functools.wraps(fixture)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return once(f"{fixture.__module__}.{fixture.__qualname__}", lambda: fixture(*args, **kwargs))

    return wrapper
