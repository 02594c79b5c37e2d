"""The kinds of background work: each app registers what it runs (in its `jobs.py`, loaded by its AppConfig),
so this app imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from jobs.models import Job
    from jobs.progress import Progress

Handler = Callable[["Job", "Progress"], None]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    unit: "StrOrPromise"  # what the progress counts: "12 dari 40 <unit>"


KINDS: dict[str, Kind] = {}


def register(name: str, handler: Handler, *, unit: "StrOrPromise | None" = None) -> None:
    if name in KINDS and KINDS[name].handler is not handler:
        raise ValueError(f"job kind {name} is already registered")
    KINDS[name] = Kind(name, handler, unit if unit is not None else gettext_lazy("baris"))
