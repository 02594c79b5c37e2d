"""Import benchmark on PostgreSQL: a 100,000-row file imported from scratch, then imported again.

    .venv/bin/python bench/import_benchmark.py [--rows 100000]

Creates a fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres), migrates it, and
runs `manage.py import_households` twice in a child process, reporting wall time and the child's
peak memory (max RSS). Targets (issue #5): first import <= 60 s and <= 500 MB, re-import <= 30 s.
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


if __name__ == "__main__":
    main()
