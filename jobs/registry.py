"""The kinds of background work: each app registers what it runs (in its `jobs.py`, loaded by its AppConfig),
so this app imports none of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobs.models import Job
    from jobs.progress import Progress

Handler = Callable[["Job", "Progress"], None]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler


KINDS: dict[str, Kind] = {}


def register(name: str, handler: Handler) -> None:
    if name in KINDS and KINDS[name].handler is not handler:
        raise ValueError(f"job kind {name} is already registered")
    KINDS[name] = Kind(name, handler)
