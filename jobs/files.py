"""A job's file is written under a temporary name and published only when whole: a killed job leaves at most
a `.part` file (removed by `prune_jobs`), never a short file under the name the user downloads. The row count
and SHA-256 of the finished file go into the job's row and are shown next to the download."""

import csv
import hashlib
import io
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

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


class _CountingWriter:
    """The file COPY writes to: psycopg2 hands over one row per `write`, so rows are counted as they come."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.rows = handle, 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.rows += 1


@contextmanager
def _reporting(counting: _CountingWriter, step: Any) -> Iterator[None]:
    """Tell `step` of the rows COPY has written, every second, from a thread: the job's own connection is busy
    with the COPY, and a thread has a database connection of its own (progress and heartbeat go through it)."""
    reported = 0
    stop = threading.Event()

    def report() -> None:
        nonlocal reported
        try:
            while not stop.wait(1.0):
                rows = counting.rows
                if rows > reported:
                    step(rows - reported)
                    reported = rows
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    step(counting.rows - reported)


def copy_csv(path: Path, header: list[str], cells: QuerySet, written: Written, step: Any) -> None:
    """The CSV of `write_csv` for rows whose cells the database computes as final text (`cells`: a values_list
    queryset): on PostgreSQL written by COPY at database speed, elsewhere row by row."""
    with path.open("wb") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, delimiter=";")
        writer.writerow(map(safe_cell, header))
        if connection.vendor != "postgresql":
            count = 0
            for row in cells.iterator(chunk_size=2000):
                writer.writerow(row)
                count += 1
                if count % 1000 == 0:
                    step(1000)
            step(count % 1000)
            written.rows = count
            text.flush()
            text.detach()
            return
        text.flush()
        text.detach()
        sql, params = cells.query.sql_with_params()
        counting = _CountingWriter(handle)
        with connection.cursor() as cursor, _reporting(counting, step):
            query = cursor.mogrify(sql, params).decode()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', ENCODING 'UTF8')", counting)
        written.rows = counting.rows
