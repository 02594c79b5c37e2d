"""A job's file is written under a temporary name and published only when whole: a killed job leaves at most
a `.part` file (removed by `prune_jobs`), never a short file under the name the user downloads. The row count
and SHA-256 of the finished file go into the job's row and are shown next to the download."""

import csv
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from core import xlsxstream
from core.exports import safe_cell
from jobs.models import Job


def root() -> Path:
    path = Path(settings.JOBS_ROOT)
    (path / "tmp").mkdir(parents=True, exist_ok=True)
    return path


def path_of(job: Job) -> Path:
    return root() / job.file_path


class Written:
    """What a finished file is: its name under JOBS_ROOT, data rows (without the header), size, SHA-256."""

    def __init__(self) -> None:
        self.file_path = ""
        self.rows = 0
        self.size = 0
        self.sha256 = ""


@contextmanager
def publishing(job: Job, extension: str) -> Iterator[tuple[Path, Written]]:
    """Yields a temporary path to write to; on a clean exit it is renamed into place (atomic on one file
    system) and described in the returned `Written`; on an error it is removed."""
    base = root()
    part = base / "tmp" / f"{job.pk}-{secrets.token_hex(8)}.part"
    written = Written()
    try:
        yield part, written
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        final = f"{job.pk}-{secrets.token_urlsafe(12)}.{extension}"
        os.replace(part, base / final)
        written.file_path = final
        written.size = (base / final).stat().st_size
        written.sha256 = digest.hexdigest()
    finally:
        part.unlink(missing_ok=True)


def write_csv(path: Path, rows: Iterable[Iterable[Any]], written: Written, step: Any) -> None:
    """UTF-8 with BOM and semicolons (what Excel in an Indonesian locale opens as columns), every cell through
    `safe_cell`. `step(n)` is told of every 1,000 data rows."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        iterator = iter(rows)
        writer.writerow(map(safe_cell, next(iterator)))  # the header
        count = 0
        for row in iterator:
            # safe_cell's own fast path, inlined: most cells are numbers, empty, or text starting with a
            # letter or digit (a million-row export has 30 million cells).
            writer.writerow(
                [
                    value
                    if value is None
                    or value.__class__ is int
                    or (value.__class__ is str and (not value or value[:1].isalnum()))
                    else safe_cell(value)
                    for value in row
                ]
            )
            count += 1
            if count % 1000 == 0:
                step(1000)
        step(count % 1000)
    written.rows = count


def write_xlsx(path: Path, rows: Iterable[Iterable[Any]], written: Written, step: Any, title: str) -> None:
    written.rows = xlsxstream.write(path, rows, title, step)
