"""Runs the load test (`bench/loadtest.py`, issue 14 item 2) against gunicorn + PostgreSQL on 127.0.0.1.

    .venv/bin/python bench/loadtest_run.py --persons 100000 --database poverty_bench_100k
    .venv/bin/python bench/loadtest_run.py --write                       # 1,000,000 persons, into BENCHMARKS.md

Reuses (or seeds) the database like `crawl.py`, turns on `log_lock_waits` for that database only
(`ALTER DATABASE … SET log_lock_waits = on`: every wait for a lock longer than `deadlock_timeout`, 1 s, is
logged, and so is every deadlock), starts the README's gunicorn (3 sync workers), runs locust headless with 50
users for 60 s (statistics reset once the last has signed in), and reports throughput, p50/p95/p99 per request,
failures, the share of writes, the lock waits and deadlocks PostgreSQL logged during the run, and how the CPU
was shared between the gunicorn workers, PostgreSQL and locust itself (all on this machine's 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import re
import shlex
import subprocess
import sys
import threading
import time

import benchserver
import psutil

ROOT = benchserver.ROOT
DOC = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## Load test"
PG_LOG = "/var/log/postgresql/postgresql-15-main.log"
LOCK_LINES = re.compile(r"still waiting for|acquired \w+ on|deadlock detected|process \d+ .*waiting")
INTRO = f"""{SECTION}

<!-- written by bench/loadtest_run.py --write -->

`bench/loadtest.py` (locust, issue 14 item 2): 50 signed-in users on gunicorn + PostgreSQL at 127.0.0.1, no
think time (each user sends its next request as soon as the last one answered, like the closed-loop baseline
in issue 14: 41 requests/s, p50 1,176 ms, p95 1,489 ms). Three of four users are caseworkers (registry → case
file, and in 43 % of their journeys the visit form filled and sent as the page carries it, CSRF and
submit-once token included, then the case file again: about 10 % of all requests are writes); one in four is a
supervisor (dashboard → one of its drill-down links into the registry → that list's next page). Targets: p95
<= 500 ms, no errors, no lock wait over 1 s, >= 82 requests/s.

```sh
.venv/bin/python bench/loadtest_run.py --persons 100000 --database poverty_bench_100k --write
.venv/bin/python bench/loadtest_run.py --write                       # 1,000,000 persons
```

Lock waits: the runner sets `ALTER DATABASE <db> SET log_lock_waits = on` (PostgreSQL then logs every wait
for a lock that lasts longer than `deadlock_timeout`, 1 s by default, and each deadlock) and reads the server
log (`{PG_LOG}` on Debian) from where it stood before the run. By hand:

```sh
psql -h 127.0.0.1 -U postgres -c "ALTER DATABASE poverty_bench_scale SET log_lock_waits = on"  # new sessions
# or for the whole server: ALTER SYSTEM SET log_lock_waits = on; SELECT pg_reload_conf();
grep -E "still waiting for|acquired .* after|deadlock detected" {PG_LOG}
```
"""


class CpuSampler(threading.Thread):
    """CPU seconds used during the run by the gunicorn workers, this database's PostgreSQL backends, locust."""

    def __init__(self, server_pid: int, database: str) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.database = server_pid, database
        self.locust_pid: int | None = None
        self.used: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}, "locust": {}}
        self.stop = threading.Event()

    def groups(self) -> dict[str, list[psutil.Process]]:
        found: dict[str, list[psutil.Process]] = {"gunicorn": [], "postgres": [], "locust": []}
        with contextlib_suppress():
            server = psutil.Process(self.server_pid)
            found["gunicorn"] = [server, *server.children()]
        for process in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(process.info["cmdline"] or [])
            if cmdline.startswith("postgres:") and f" {self.database} " in cmdline:
                found["postgres"].append(process)
        if self.locust_pid:
            with contextlib_suppress():
                found["locust"] = [psutil.Process(self.locust_pid)]
        return found

    def run(self) -> None:
        while not self.stop.wait(1):
            for group, processes in self.groups().items():
                for process in processes:
                    with contextlib_suppress():
                        times = process.cpu_times()
                        self.used[group][process.pid] = times.user + times.system

    def start_marks(self) -> dict[str, dict[int, float]]:
        return {group: dict(values) for group, values in self.used.items()}


def contextlib_suppress():
    import contextlib

    return contextlib.suppress(psutil.Error)


def read_stats(prefix: str) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--database", default="poverty_bench_scale")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--time", default="60s", help="how long locust runs once started (bounded)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=30)
    parser.add_argument(
        "--wait", default="0", help='pause between a user\'s journeys, seconds: "0" (closed loop) or "1-3"'
    )
    parser.add_argument("--write", action="store_true", help=f"write the result into docs/BENCHMARKS.md, {SECTION}")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    command = "$ .venv/bin/python bench/loadtest_run.py " + shlex.join(sys.argv[1:])

    benchserver.prepare(args.database, args.persons, reseed=args.reseed)
    benchserver.psql("postgres", f"ALTER DATABASE {args.database} SET log_lock_waits = on")
    counts = {
        "persons": int(benchserver.psql(args.database, "SELECT count(*) FROM households_person")),
        "visits": int(benchserver.psql(args.database, "SELECT count(*) FROM households_visit")),
    }
    log_start = os.path.getsize(PG_LOG) if os.path.exists(PG_LOG) else None
    before = benchserver.machine_note()
    prefix = str(out / f"loadtest-{counts['persons']}")
    locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "loadtest.py"), "--headless"]
    locust += ["-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.time]
    locust += ["--csv", prefix, "--only-summary", "--stop-timeout", "10"]
    with benchserver.gunicorn(args.database, workers=args.workers, timeout=args.timeout) as base:
        server_pid = min(  # the master: the workers it forks come after it
            p.pid
            for p in psutil.process_iter(["cmdline"])
            if "gunicorn" in " ".join(p.info["cmdline"] or []) and base.rsplit(":", 1)[1] in " ".join(p.info["cmdline"])
        )
        sampler = CpuSampler(server_pid, args.database)
        sampler.start()
        started = time.perf_counter()
        process = subprocess.Popen(
            [*locust, "--host", base],
            cwd=ROOT,
            env={**os.environ, "LOADTEST_WAIT": args.wait},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        sampler.locust_pid = process.pid
        # Count CPU from the moment every user has signed in (when the locustfile resets the statistics).
        output, marks, marked_at = [], {}, started
        machine = benchserver.cpu_mark()
        for line in process.stdout:
            output.append(line)
            if line.strip() == b"ALL SIGNED IN":
                marks, marked_at, machine = sampler.start_marks(), time.perf_counter(), benchserver.cpu_mark()
        process.wait()
        ended_at = time.perf_counter()
        busy = benchserver.busy_since(machine)
        sampler.stop.set()
        sampler.join()
    after = benchserver.machine_note()
    (out / f"loadtest-{counts['persons']}.log").write_bytes(b"".join(output))
    wall = ended_at - marked_at
    cpu = {
        group: sum(v - marks.get(group, {}).get(pid, 0.0) for pid, v in values.items()) / wall
        for group, values in sampler.used.items()
    }
    lock_lines = []
    if log_start is not None:
        with open(PG_LOG, errors="replace") as f:
            f.seek(log_start)
            lock_lines = [line.rstrip() for line in f if LOCK_LINES.search(line) and args.database in line]
    stats = read_stats(prefix)
    new_visits = int(benchserver.psql(args.database, "SELECT count(*) FROM households_visit")) - counts["visits"]
    cpu["machine"] = busy
    text = report(args, counts, stats, cpu, lock_lines, new_visits, before, after, command, wall)
    print(text)
    if args.write:
        benchserver.write_section(DOC, SECTION, INTRO, text, f"{counts['persons']:,} persons{thinking(args)} —")


def thinking(args) -> str:
    return "" if args.wait in ("0", "0.0") else f", think time {args.wait} s"


def report(args, counts, stats, cpu, lock_lines, new_visits, before, after, command, wall) -> str:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    rows = [row for row in stats if row["Name"] != "Aggregated"]
    writes = sum(int(r["Request Count"]) for r in rows if r["Type"] == "POST" and "sign in" not in r["Name"])
    journey = sum(int(r["Request Count"]) for r in rows if "sign in" not in r["Name"])
    failures = int(total["Failure Count"])
    lines = [
        f"### {counts['persons']:,} persons{thinking(args)} — {datetime.datetime.now(datetime.UTC).date().isoformat()}",
        "",
        f"{args.users} users, spawned {args.spawn_rate:g}/s, {args.time} from the start (statistics and CPU "
        f"from when the last had signed in: {wall:.0f} s), gunicorn {args.workers} sync workers, `{args.database}`. Machine: {before} before, "
        f"{after} after. CPU used during the measured part, in cores (of 2): gunicorn {cpu['gunicorn']:.2f}, "
        f"PostgreSQL {cpu['postgres']:.2f}, locust {cpu['locust']:.2f}; the whole machine: {cpu['machine']} "
        "(other sessions' work included).",
        "",
        "```sh",
        command,
        "```",
        "",
        f"**{float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, {failures} failures** of {int(total['Request Count']):,} requests; "
        f"writes {writes:,} ({100 * writes / max(journey, 1):.1f} % of the journeys' requests; {new_visits:,} "
        f"visits stored); lock waits over 1 s or deadlocks logged by PostgreSQL: {len(lock_lines)}.",
        "",
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted((r for r in rows if int(r["Request Count"])), key=lambda r: -int(r["Request Count"])):
        lines.append(
            f"| {row['Type']} {row['Name']} | {int(row['Request Count']):,} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):,.0f} |"
        )
    if lock_lines:
        lines += ["", "PostgreSQL's log:", "", "```", *lock_lines[:20], "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
