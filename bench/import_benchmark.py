"""Import benchmark on PostgreSQL: a 100,000-row file imported from scratch, then imported again.

    .venv/bin/python bench/import_benchmark.py [--rows 100000]
    .venv/bin/python bench/import_benchmark.py --via-jobs     # as the upload page does it: background jobs

Creates a fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres), migrates it, and
runs `manage.py import_households` twice in a child process, reporting wall time and the child's
peak memory (max RSS). Targets (issue #5): first import <= 60 s and <= 500 MB, re-import <= 30 s.

`--via-jobs` takes the path of a big upload in the browser (issue 14, item 5: preview + apply in the background
<= 60 s, <= 500 MB): the file is queued for its dry run (`imports.jobs.preview_start`, as the upload view does),
the production worker (`manage.py db_worker --batch`) runs it in a child process, the batch is queued for
applying (`apply_start`, as the confirm button does) and a worker runs that; wall time and peak memory of
each worker run, and the whole from the upload to the applied import.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and output of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(args)}\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default="poverty_bench_import")
    parser.add_argument("--via-jobs", action="store_true", help="preview and apply as background jobs")
    args = parser.parse_args()
    file = ROOT / f"bench/out/import-{args.rows}.xlsx"
    if not file.exists():
        subprocess.run(
            [PY, "bench/generate_import.py", "--rows", str(args.rows), "--out", str(file)], cwd=ROOT, check=True
        )
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}"}
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    create_admin = (
        "from accounts.models import Opd, User; "
        "User.objects.filter(username='bench').exists() or "
        "User.objects.create(username='bench', role='admin', opd=Opd.objects.get(short_name='Diskominfo'))"
    )
    subprocess.run([PY, "manage.py", "shell", "-c", create_admin], cwd=ROOT, env=env, check=True, capture_output=True)
    if args.via_jobs:
        via_jobs(file, args.rows, env)
        return
    command = [PY, "manage.py", "import_households", str(file), "--user", "bench", "--source", "benchmark"]
    first = run(command, env)
    again = run(command, env)
    results = {
        "rows": args.rows,
        "file_mb": round(file.stat().st_size / 1_048_576, 1),
        "first_import_seconds": round(first[0], 1),
        "first_import_peak_mb": round(first[1]),
        "reimport_seconds": round(again[0], 1),
        "reimport_peak_mb": round(again[1]),
        "first_summary": first[2].strip().splitlines()[0],
        "reimport_summary": again[2].strip().splitlines()[0],
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))


QUEUE_PREVIEW = """
import datetime
from pathlib import Path
from accounts.models import User
from imports.jobs import preview_start
path = Path({file!r})
job = preview_start(owner=User.objects.get(username="bench"), file_name=path.name, data=path.read_bytes(),
                    source="benchmark", list_kind="p3ke", as_of=datetime.date.today())
print(job.pk)
"""
QUEUE_APPLY = """
from jobs.models import Job
from imports.jobs import apply_start
from imports.models import ImportBatch
preview = Job.objects.get(pk={job})
assert preview.status == "done", (preview.status, preview.error)
batch = ImportBatch.objects.get(pk=int(preview.result["url"].rstrip("/").split("/")[-1]))
print(apply_start(owner=preview.owner, batch=batch).pk)
"""
REPORT = """
import json
from jobs.models import Job
from imports.models import ImportBatch
from households.models import Household, Person
job = Job.objects.get(pk={job})
print(json.dumps({{"status": job.status, "error": job.error, "households": Household.objects.count(),
    "persons": Person.objects.count(), "batch": ImportBatch.objects.order_by("-pk").values_list("status", flat=True)[0]}}))
"""
WORKER = [PY, "manage.py", "db_worker", "--batch", "--interval", "0", "--no-startup-delay"]


def shell(code: str, env: dict) -> str:
    out = subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    return out.stdout.decode().strip().splitlines()[-1]


def via_jobs(file: Path, rows: int, env: dict) -> None:
    started = time.perf_counter()
    preview_job = shell(QUEUE_PREVIEW.format(file=str(file)), env)
    preview = run(WORKER, env)
    apply_job = shell(QUEUE_APPLY.format(job=preview_job), env)
    applied = run(WORKER, env)
    total = time.perf_counter() - started
    outcome = json.loads(shell(REPORT.format(job=apply_job), env))
    results = {
        "rows": rows,
        "file_mb": round(file.stat().st_size / 1_048_576, 1),
        "preview_job_seconds": round(preview[0], 1),
        "preview_job_peak_mb": round(preview[1]),
        "apply_job_seconds": round(applied[0], 1),
        "apply_job_peak_mb": round(applied[1]),
        "upload_to_applied_seconds": round(total, 1),
        **outcome,
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
