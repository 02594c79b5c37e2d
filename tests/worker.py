"""The production background worker, run in a test until the queue is empty (no eager mode)."""

from django.core.management import call_command


def run_worker() -> None:
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
