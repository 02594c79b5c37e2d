"""One transaction per change to case data, in which whatever is derived from the cases is brought up to
date before it commits.

Services that change households, members, visits, interventions or referrals are decorated with
`case_write` instead of `transaction.atomic`. Every change they record with `audit.services.log_change`
names its household (`case_id`); when the outermost `case_write` finishes, each function registered
with `when_cases_change` (the dashboard's tallies, see `dashboard.apps`) receives those households,
inside the same transaction. So the change log and the derived numbers share one path: a change that is
logged is counted, and a case change logged outside `case_write` fails loudly.

The registration keeps apps depending one way: `audit` knows nothing of the dashboard.
"""

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from django.db import transaction

_state = threading.local()
_listeners: list[Callable[[set[int]], None]] = []
P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def case_scope() -> Iterator[None]:
    """A transaction that refreshes the tallies of every household changed in it, before it commits."""
    outermost = getattr(_state, "cases", None) is None
    if outermost:
        _state.cases = set()
    try:
        with transaction.atomic():
            yield
            if outermost and _state.cases:
                for listener in _listeners:
                    listener(_state.cases)
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


def touched(case_id: int) -> None:
    """Note that this household's case data changed in the current `case_scope`."""
    cases = getattr(_state, "cases", None)
    if cases is None:
        raise RuntimeError(
            "Case data changed outside a case_write service: the dashboard tallies would miss it. "
            "Decorate the service with audit.casework.case_write."
        )
    cases.add(case_id)
