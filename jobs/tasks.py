"""The one task the queue runs: a job, by its id (django-tasks; the worker is `manage.py db_worker`)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from jobs.services import job_run

    job_run(job_id)
