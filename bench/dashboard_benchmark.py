"""Dashboard and registry at province scale, on PostgreSQL.

    .venv/bin/python bench/dashboard_benchmark.py --persons 1000000

Creates a fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres), loads the demo accounts
and `seed_scale --persons N`, then requests each page 10 times (after one warm-up) in-process through
Django's test client, reporting the median server time, the number of queries, and the time the database
spent (the sum of the queries' times). Targets (issue #7) at 1,000,000 persons: dashboard median
<= 300 ms and <= 20 queries; registry first page <= 150 ms.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")


def prepare(database: str, persons: int, reuse: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}", "DEBUG": "1"}
    if reuse:
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    out = subprocess.run(
        [PY, "manage.py", "seed_scale", "--persons", str(persons)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(out.stdout.strip(), f"(seed {time.perf_counter() - started:.0f} s)", file=sys.stderr)


def measure(client, url: str, runs: int = 10) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times, db_times, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured.captured_queries)
        db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    return {
        "url": url,
        "median_ms": round(statistics.median(times)),
        "db_median_ms": round(statistics.median(db_times)),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database", default="poverty_bench_scale")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing database without re-seeding.")
    args = parser.parse_args()
    prepare(args.database, args.persons, args.reuse)

    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poverty.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from households.models import Household, Kelurahan

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="supervisor"))
    kelurahan = Kelurahan.objects.get(name="Kameloh Baru")
    today = timezone.localdate()
    quarter_start = today - datetime.timedelta(days=90)
    results = {
        "persons": args.persons,
        "households": Household.objects.count(),
        "pages": [
            measure(client, "/dashboard/"),
            measure(client, f"/dashboard/?kelurahan={kelurahan.pk}"),
            # A quarter: deliveries by day and persons reached counted from that quarter's deliveries.
            measure(client, f"/dashboard/?period_from={quarter_start.isoformat()}&period_to={today.isoformat()}"),
            measure(client, "/households/"),
            measure(client, f"/households/?kelurahan={kelurahan.pk}&status=extreme_poor&sort=-visited"),
        ],
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
