"""Who may see a background job and fetch its file (registered in core.permissions): its owner, and the Dinsos
supervisors who oversee the work; work started on a schedule (no owner) also the admins who run the system.
Anyone else gets 404, as for any record they may not see."""

from typing import Any

from core.permissions import CHANGE, VIEW, has_role, is_admin, is_supervisor, register
from jobs.models import Job


def owner_or_supervisor(user: Any, job: Job | None = None) -> bool:
    if job is None:  # the list of jobs: every signed-in role has one (its own)
        return has_role(user)
    if job.owner_id is None:
        return is_supervisor(user) or is_admin(user)
    return has_role(user) and (job.owner_id == user.pk or is_supervisor(user))


register(Job, {VIEW: owner_or_supervisor, CHANGE: owner_or_supervisor})
