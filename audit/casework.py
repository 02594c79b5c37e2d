"""One transaction per change to case data, in which whatever is derived from the cases is brought up to
date before it commits.

Case rows (households, members, visits, status changes, interventions, referrals) can only be written
inside `case_scope` — the `case_write` decorator of the services, Django admin, imports and seeding all
open one. Every write notes the households it touched: a case record's `save()`/`delete()` and its
queryset's `update()`/`delete()`/`bulk_create()`/`bulk_update()` (see `CaseRecord` and `CaseQuerySet`),
and `audit.services.log_change`. A write outside a scope raises `CaseWriteOutsideScope` before it
changes anything, so no path can change case rows without the derived numbers following.

When the outermost scope ends, each function registered with `when_cases_change` (the derived data of
`dashboard.derived`: summary columns, "served" flags and tallies) receives the touched households,
inside the same transaction. The registration keeps apps depending one way: `audit` knows nothing of
the dashboard.
"""

import functools
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, Self, TypeVar

from django.db import models, transaction

from core.models import ChoiceLabels

_state = threading.local()
_listeners: list[Callable[[set[int]], None]] = []
P = ParamSpec("P")
R = TypeVar("R")
Case = TypeVar("Case", bound="CaseRecord")


class CaseWriteOutsideScope(RuntimeError):
    """Case rows were about to change where their derived numbers would not follow."""


@contextmanager
def case_scope(*, durable: bool = False) -> Iterator[None]:
    """A transaction that refreshes what is derived from every household changed in it, before it commits.

    `durable`: it must be the outermost transaction, so it commits when it ends (Django refuses it inside
    another one) — for work committed in steps, each step holding the tally rows only for a moment."""
    outermost = getattr(_state, "cases", None) is None
    if outermost:
        _state.cases = set()
    try:
        with transaction.atomic(durable=durable):
            yield
            if outermost:
                settle()
    finally:
        if outermost:
            _state.cases = None


def case_write(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a service that changes case data (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with case_scope():
            return func(*args, **kwargs)

    return wrapper


def when_cases_change(listener: Callable[[set[int]], None]) -> None:
    """Call `listener(household_ids)` before every case_write transaction that changed cases commits."""
    if listener not in _listeners:
        _listeners.append(listener)


def require_scope() -> None:
    if getattr(_state, "cases", None) is None:
        raise CaseWriteOutsideScope(
            "Case data changed outside a case_write service: its derived numbers (registry summaries, "
            "dashboard tallies) would not follow. Use a service, or wrap the write in audit.casework.case_scope()."
        )


def touched(*case_ids: int | None) -> None:
    """Note that these households' case data changed in the current `case_scope`."""
    require_scope()
    _state.cases.update(pk for pk in case_ids if pk is not None)


def settle() -> None:
    """Bring the derived data of the households changed so far up to date now (a service that reads its
    own summaries back calls this; the end of the outermost scope always does)."""
    require_scope()
    while _state.cases:
        cases, _state.cases = _state.cases, set()
        for listener in _listeners:
            listener(cases)


# The guard on the case tables.


class CaseQuerySet(models.QuerySet[Case]):
    """Bulk writes on case tables note the households they touch, and are refused outside a case scope."""

    def update(self, **kwargs: Any) -> int:
        require_scope()
        ids = self.model.case_ids_of_rows(self)
        for name in ("household", "household_id"):  # rows moved to another household count there too
            if name in kwargs:
                target = kwargs[name]
                ids.add(target if isinstance(target, int) else target.pk)
        count = super().update(**kwargs)
        touched(*ids)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        require_scope()
        touched(*self.model.case_ids_of_rows(self))
        return super().delete()

    def bulk_create(self, objs: Iterable[Case], *args: Any, **kwargs: Any) -> list[Case]:
        require_scope()
        created = super().bulk_create(objs, *args, **kwargs)
        touched(*(pk for obj in created for pk in obj.case_ids()))
        return created

    def bulk_update(self, objs: Iterable[Case], fields: Any, *args: Any, **kwargs: Any) -> int:
        require_scope()
        objs = list(objs)
        touched(*(pk for obj in objs for pk in obj.case_ids() | obj.loaded_case_ids()))
        return super().bulk_update(objs, fields, *args, **kwargs)


class CaseRecord(ChoiceLabels):
    """A row the derived numbers are computed from. Saving or deleting it notes its household(s), and is
    refused outside a case scope. (Derived columns themselves are written by `dashboard.derived` through
    `_base_manager`, which is a plain manager.)"""

    class Meta:
        abstract = True

    # The field naming the household a row belongs to ("pk" for the household itself).
    case_field = "household_id"
    _loaded_case_ids: set[int]

    def save(self, *args: Any, **kwargs: Any) -> None:
        require_scope()
        super().save(*args, **kwargs)
        touched(*(self.case_ids() | self.loaded_case_ids()))
        self._loaded_case_ids = self.case_ids()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        touched(*(self.case_ids() | self.loaded_case_ids()))
        return super().delete(*args, **kwargs)

    @classmethod
    def case_ids_of_rows(cls, queryset: models.QuerySet[Any]) -> set[int]:
        """The households of the rows `queryset` selects (before they change)."""
        return set(queryset.order_by().values_list(cls.case_field, flat=True).distinct())

    def case_ids(self) -> set[int]:
        """The households this row counts in now."""
        return {getattr(self, self.case_field)} - {None}

    def loaded_case_ids(self) -> set[int]:
        """The households this row counted in when it was read (a member moved elsewhere leaves one behind)."""
        return getattr(self, "_loaded_case_ids", set())

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        column = "id" if cls.case_field == "pk" else cls.case_field
        case_id: int | None = instance.__dict__.get(column)
        instance._loaded_case_ids = set() if case_id is None else {case_id}
        return instance
