"""Registry export of every person, as CSV and as XLSX, in a child process: time and peak memory.

    .venv/bin/python bench/export_benchmark.py --database poverty_bench_scale

Run after `bench/dashboard_benchmark.py --persons 1000000` (which fills that database). The export
streams: memory should stay flat whatever the number of rows.
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

CHILD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poverty.settings")
sys.path.insert(0, {root!r})
import django; django.setup()
from django.test import Client
from accounts.models import User
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="supervisor"))
response = client.get("/households/export/", {{"format": {kind!r}}})
size = rows = 0
for chunk in response.streaming_content:
    size += len(chunk)
    if {kind!r} == "csv":
        rows += chunk.count(b"\\n")
print(size, rows)
"""


def run(kind: str, database: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [PY, "-c", CHILD.format(root=str(ROOT), kind=kind)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    out, err = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(err)
    size, rows = map(int, out.split())
    return {
        "format": kind,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "mb": round(size / 1_048_576, 1),
        "csv_lines": rows or None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="poverty_bench_scale")
    args = parser.parse_args()
    print(json.dumps([run("csv", args.database), run("xlsx", args.database)], indent=2))


if __name__ == "__main__":
    main()
