"""My downloads and imports ("Unduhan saya"): each background job's progress, its file, and a retry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessLog
from audit.services import log_access
from core.errors import DomainError
from core.http import AuthenticatedHttpRequest
from core.permissions import CHANGE, get_object_for, is_admin, is_supervisor, signed_in
from jobs import files, selectors
from jobs.models import Job
from jobs.services import job_retry

PAGE_SIZE = 25


@signed_in
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_see_all = is_supervisor(request.user) or is_admin(request.user)
    everyone = request.GET.get("semua") == "1" and may_see_all
    page = Paginator(selectors.jobs_for(request.user, everyone), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page_obj": page, "everyone": everyone, "may_see_all": may_see_all})


@signed_in
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_for(request.user, Job.objects.select_related("owner"), pk)
    return render(request, "jobs/detail.html", {"job": job})


@signed_in
@require_GET
def status(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """What the progress bar shows, polled by the job's page while it runs."""
    job = get_object_for(request.user, Job, pk)
    response = JsonResponse(
        {
            "status": "stalled" if job.is_stalled else job.status,
            "label": job.status_label,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "seconds_left": job.seconds_left,
            "active": job.is_active,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_GET
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The finished file, to its owner or a supervisor; every fetch is in the access log."""
    job = get_object_for(request.user, Job, pk)
    path = files.path_of(job) if job.has_file else None
    if path is None or not path.is_file():
        raise Http404
    log_access(
        request=request,
        kind=AccessLog.Kind.EXPORT,
        field="nik" if job.params.get("full") else "",
        detail={"job": job.pk, "download": True, "rows": job.rows, "file": job.file_name, "owner": job.owner_id},
    )
    response = FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_POST
def retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_for(request.user, Job, pk, CHANGE)
    try:
        job_retry(job)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Pekerjaan dimulai lagi dari awal."))
    return redirect(reverse("jobs:detail", args=[job.pk]))
