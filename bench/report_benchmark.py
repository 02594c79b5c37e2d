"""The quarterly report and the official count as of a date, at scale: time and peak memory of the job's work.

    .venv/bin/python bench/report_benchmark.py                                   # PostgreSQL, 1,000,000 persons
    .venv/bin/python bench/report_benchmark.py --database bench/out/crawl-100000.sqlite3 --persons 100000

The database is reused when it already holds about N persons, else seeded (`bench/benchserver.prepare`). Each
measurement runs in its own process (peak resident memory is that process's): `quarterly.compute` of the
previous quarter (the one a supervisor reports on) and `quarterly.official_at` of that quarter's last day,
three times each; the median time and the largest peak are reported. Nothing is written to the database.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchserver  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")

MEASURE = """
import json, resource, time, django
django.setup()
from django.utils import timezone
from dashboard import quarterly
quarter = quarterly.Quarter.of(timezone.localdate()).previous()
started = time.perf_counter()
if WHAT == "compute":
    data = quarterly.compute(quarter)
    size = sum(row["households_end"] for row in data["places"])
else:
    data = quarterly.official_at(quarter.last_day)
    size = data["households"]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "households": size, "quarter": quarter.label}))
"""


def run(database: str, what: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": benchserver.database_url(database),
        "DJANGO_SETTINGS_MODULE": "poverty.settings",
    }
    out = subprocess.run(
        [PY, "-c", f"WHAT = {what!r}\n{MEASURE}"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="poverty_bench_scale")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    benchserver.prepare(args.database, args.persons)
    print(f"{benchserver.describe(args.database)}, {benchserver.persons_in(args.database):,} persons")
    for what, label in (("compute", "quarterly.compute (previous quarter)"), ("official_at", "official_at")):
        runs = [run(args.database, what) for _each in range(args.runs)]
        print(
            f"{label}: median {statistics.median(r['seconds'] for r in runs):.1f} s, "
            f"peak {max(r['peak_mb'] for r in runs):.0f} MB, {runs[0]['households']:,} extreme-poor households "
            f"at the end ({runs[0]['quarter']})"
        )


if __name__ == "__main__":
    main()
