"""How a running job tells how far it is: done of total, written to its row at most every PROGRESS_EVERY
seconds (and always at the end), with a heartbeat that shows the worker is alive."""

import time

from django.conf import settings
from django.utils import timezone

from jobs.models import Job


class Progress:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = 0
        self.total: int | None = None
        self._flushed_at = 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        self.flush()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self._flushed_at >= settings.JOBS_PROGRESS_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the progress now (its own autocommitted UPDATE: the page reading it sees it at once)."""
        self._flushed_at = time.monotonic()
        Job.objects.filter(pk=self.job.pk).update(done=self.done, total=self.total, heartbeat_at=timezone.now())
