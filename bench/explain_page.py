"""Why one page is slow: its queries grouped by shape with their time, and EXPLAIN ANALYZE of the slowest.

    .venv/bin/python bench/explain_page.py /interventions/ --user supervisor
    .venv/bin/python bench/explain_page.py /admin/interventions/program/17/delete/ --user admin --profile
    .venv/bin/python bench/explain_page.py / --database bench/out/crawl-100000.sqlite3   # SQLite: EXPLAIN QUERY PLAN

Requests the page in-process (Django's test client, DEBUG off, signed in as the user) on the benchmark
database, once to warm up and once measured; `--profile` adds cProfile's top functions by own time. On a SQLite
file (`--database PATH.sqlite3`) the slowest queries get SQLite's `EXPLAIN QUERY PLAN` and are timed once more
alone (SQLite has no EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import re
import time

import benchserver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--user", default="supervisor")
    parser.add_argument("--database", default="poverty_bench_scale", help="PostgreSQL database or SQLite file")
    parser.add_argument("--explain", type=int, default=1, help="how many of the slowest queries to EXPLAIN")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.update(benchserver.server_env(args.database))
    os.environ.pop("DEBUG", None)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=args.user))
    client.get(args.url)
    connection.queries_log.clear()
    profiler = cProfile.Profile() if args.profile else None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(args.url)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
    queries = captured.captured_queries
    db_ms = sum(float(q["time"]) for q in queries) * 1000
    print(
        f"{args.url}: {response.status_code}, {elapsed * 1000:.0f} ms, {len(queries)} queries, {db_ms:.0f} ms in them"
    )
    shapes: collections.Counter[str] = collections.Counter()
    spent: collections.Counter[str] = collections.Counter()
    for q in queries:
        shape = re.sub(r"\b\d+\b", "N", q["sql"])
        shapes[shape] += 1
        spent[shape] += float(q["time"]) * 1000
    for shape, ms in spent.most_common(10):
        print(f"{shapes[shape]:6d} x {ms:9.1f} ms  {shape[:300]}")
    slowest = sorted(queries, key=lambda q: -float(q["time"]))[: args.explain]
    with connection.cursor() as cursor:
        for q in slowest:
            print(f"\n-- {float(q['time']) * 1000:.0f} ms:\n{q['sql']}\n")
            if connection.vendor == "sqlite":
                # (id, parent, notused, detail): the plan's tree, indented by depth
                cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
                depth: dict[int, int] = {0: -1}
                for node, parent, _, detail in cursor.fetchall():
                    depth[node] = depth.get(parent, -1) + 1
                    print("  " * depth[node] + detail)
                started = time.perf_counter()
                cursor.execute(q["sql"])
                rows = len(cursor.fetchall())
                print(f"(alone: {(time.perf_counter() - started) * 1000:.0f} ms, {rows} rows)")
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
