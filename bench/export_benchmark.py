"""The registry export of every person as a background job (CSV and XLSX): wall time and peak memory of the
worker, against PostgreSQL's own COPY of the same join and columns.

    .venv/bin/python bench/export_benchmark.py --database poverty_bench_scale

Run after `bench/dashboard_benchmark.py --persons 1000000` (which fills that database). The job is started
as the export view starts it (`jobs.services.job_start`, owner `supervisor`), then one `manage.py db_worker
--batch` child process runs it; its peak memory is the child's max RSS (wait4). The file must hold exactly
the persons of the database (checked against a COUNT), else the script exits non-zero.
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

START = """
import os, sys, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poverty.settings")
sys.path.insert(0, {root!r})
import django; django.setup()
from accounts.models import User
from jobs.models import Job
from jobs.services import job_start
# The worker runs until the queue is empty: jobs queued before (e.g. by the crawl) would be timed too.
waiting = Job.objects.filter(status__in=["queued", "running"]).count()
if waiting:
    sys.exit(f"{{waiting}} jobs are already queued or running in this database; cancel them first")
job = job_start(owner=User.objects.get(username="supervisor"), kind="export_registry",
                title="bench", params={{"data": [], "format": {kind!r}, "full": False}})
print(job.pk)
"""

RESULT = """
import os, sys, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poverty.settings")
sys.path.insert(0, {root!r})
import django; django.setup()
from households.models import Person
from jobs.models import Job
from jobs import files
job = Job.objects.get(pk={pk})
print(json.dumps({{"status": job.status, "rows": job.rows, "bytes": job.file_size, "error": job.error,
                  "persons": Person.objects.count(), "path": str(files.path_of(job)) if job.file_path else ""}}))
"""

# The same rows as cases.exports.COLUMNS, straight from PostgreSQL (labels as stored values: COPY has no
# translations, so this is the floor the app's export is compared with).
COPY = """COPY (SELECT p.household_id, h.p3ke_id, h.no_kk, p.nik, p.full_name, p.sex, p.birth_date, p.birth_place,
  p.relation, kc.name, k.name, h.address, h.rt, h.rw, h.desil, h.desil_source, h.desil_as_of, h.status,
  p.is_extreme_poor, p.occupation,
  p.education, p.disability, p.health_insurance, h.ownership, h.floor, h.wall, h.roof, h.lighting, h.cooking_fuel,
  h.drinking_water, h.toilet, h.delivered_count, h.last_visit_on
  FROM households_person p JOIN households_household h ON h.id = p.household_id
  JOIN households_kelurahan k ON k.id = h.kelurahan_id JOIN households_kecamatan kc ON kc.id = k.kecamatan_id
  ORDER BY p.household_id, p.id) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"""


def child(code: str, env: dict) -> str:
    return subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def run(kind: str, database: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}
    pk = int(child(START.format(root=str(ROOT), kind=kind), env).split()[-1])
    started = time.perf_counter()
    worker = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--batch", "--interval", "0", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(worker.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(worker.stderr.read().decode())
    result = json.loads(child(RESULT.format(root=str(ROOT), pk=pk), env))
    if result["status"] != "done" or result["rows"] != result["persons"]:
        sys.exit(f"the {kind} export is not whole: {result}")
    Path(result["path"]).unlink()
    return {
        "format": kind,
        "seconds": round(seconds, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "mb": round(result["bytes"] / 1_048_576, 1),
        "rows": result["rows"],
    }


def copy_seconds(database: str) -> float:
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-c", COPY], stdout=sink, check=True
        )
    return round(time.perf_counter() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="poverty_bench_scale")
    parser.add_argument("--formats", default="csv,xlsx")
    args = parser.parse_args()
    copy = copy_seconds(args.database)
    results = [run(kind, args.database) for kind in args.formats.split(",")]
    for result in results:
        result["copy_seconds"] = copy
        result["ratio_to_copy"] = round(result["seconds"] / copy, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
