from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from core.permissions import is_admin, is_supervisor
from jobs.models import Job

if TYPE_CHECKING:
    from accounts.models import User


def jobs_for(user: User, everyone: bool = False) -> QuerySet[Job]:
    """The user's own jobs, newest first; a supervisor may ask for everyone's (index `jobs_created_idx`), an
    admin for theirs and the scheduled ones (no owner: cron, commands)."""
    jobs = Job.objects.select_related("owner").order_by("-created_at", "-id")
    if everyone and is_supervisor(user):
        return jobs
    if everyone and is_admin(user):
        return jobs.filter(Q(owner=user) | Q(owner__isnull=True))
    return jobs.filter(owner=user)
