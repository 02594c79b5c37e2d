"""Writers on one kelurahan and OPD while the bulk page records 500 interventions there, on PostgreSQL.

    .venv/bin/python bench/write_contention.py --persons 20000

Creates a scratch database on the local PostgreSQL (127.0.0.1:5432, user postgres; --database, dropped and
created again unless --reuse): migrate, seed_demo, seed_scale --persons N; or copies --template, a database
seeded so before (--seed-only), so that runs compare on the same rows. In the kelurahan with the most
persons, --writers processes (10) each record "Pelatihan kerja" (Disnaker) for persons of their own through
`interventions.services.intervention_record` in a transaction, as a request does, pausing --pause seconds
between writes: first alone for --baseline seconds, then while another process posts the bulk page
(/interventions/bulk/, Django's test client, the request as a browser sends it) for --bulk persons of the
same kelurahan (other households than the writers'). All on the same tally rows (planned, kelurahan, OPD).

Reported:
- each single write's latency, alone and while the bulk runs (median, p95, max), and errors;
- the bulk request's time and the number of transactions it committed;
- for every transaction that wrote tally rows: how long it held them (from its first tally upsert returning
  to its commit) and how long its upserts took (waiting for another transaction's rows included);
- PostgreSQL's own record: every session runs with log_lock_waits = on and deadlock_timeout = 200ms, so the
  server log names each lock wait over 200 ms (read from /var/log/postgresql when readable);
- `recount_dashboard --check` afterwards: the tallies equal a recount.

The same script measures an older tree: copy it into that tree's bench/ and run it there.
"""

import argparse
import glob
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PROGRAM = "Pelatihan kerja"
USERNAME = "disnaker"  # the demo's Disnaker caseworker


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def prepare(database: str, persons: int, env: dict, template: str | None) -> None:
    run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], env)
    if template:  # a copy of a database this script seeded before: the same rows for every run
        run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "-T", template, database], env)
        return
    run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], env)
    run([PY, "manage.py", "migrate", "-v0"], env)
    run([PY, "manage.py", "seed_demo"], env, capture_output=True)
    started = time.perf_counter()
    out = run([PY, "manage.py", "seed_scale", "--persons", str(persons)], env, capture_output=True, text=True)
    print(out.stdout.strip(), f"(seed {time.perf_counter() - started:.0f} s)", file=sys.stderr)


def instrument(role: str, report: dict) -> None:
    """In this process: every session logs its lock waits over 200 ms, and every transaction that writes
    tally rows notes when it first got them, when it committed, and how long its upserts took."""
    from django.db import connection, transaction
    from django.db.backends.signals import connection_created

    from dashboard import derived

    def session_settings(sender, connection, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET log_lock_waits = on; SET deadlock_timeout = '200ms'")
            cursor.execute("SET application_name = %s", [f"bench-{role}"])
            cursor.execute("SELECT pg_backend_pid()")
            report.setdefault("pids", []).append(cursor.fetchone()[0])

    connection_created.connect(session_settings, weak=False)
    real = derived.add_to_tallies
    current: dict = {}

    def add_to_tallies(deltas):
        if not any(any(value) for value in deltas.values()):
            return real(deltas)
        started = time.time()
        real(deltas)
        got = time.time()
        if not current:
            current.update(first=got, waited=0.0)

            def committed():
                report["holds"].append((current["first"], time.time(), current["waited"]))
                current.clear()

            transaction.on_commit(committed)
        current["waited"] += got - started
        return None

    derived.add_to_tallies = add_to_tallies
    connection.close()


def writer(index: int, args, person_ids: list[int], go, stop, results) -> None:
    import django

    django.setup()
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from accounts.models import User
    from households.models import Person
    from interventions.models import Program
    from interventions.services import intervention_record

    report: dict = {"role": f"writer{index}", "writes": [], "holds": [], "errors": []}
    instrument(report["role"], report)
    program, user = Program.objects.get(name=PROGRAM), User.objects.get(username=USERNAME)
    people = list(Person.objects.filter(pk__in=person_ids).select_related("household"))
    today = timezone.localdate()

    def write(person) -> None:
        with transaction.atomic():
            intervention_record(program=program, person=person, recorded_by=user, planned_on=today)

    write(people[0])  # warm-up: imports, first connection
    report["holds"].clear()
    go.wait()
    n = 0
    while not stop.is_set():
        person = people[n % len(people)]
        n += 1
        started = time.time()
        try:
            write(person)
        except DatabaseError as error:
            report["errors"].append(str(error).splitlines()[0])
            continue
        report["writes"].append((started, time.time() - started))
        stop.wait(args.pause)
    results.put(report)


def bulk(args, person_ids: list[int], results) -> None:
    try:
        _bulk(args, person_ids, results)
    except BaseException as error:
        results.put({"role": "bulk", "error": repr(error), "holds": []})
        raise


def _bulk(args, person_ids: list[int], results) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from interventions.models import Program

    # Static files under their own names (the deployed hashed names need collectstatic first).
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": staticfiles}
    report: dict = {"role": "bulk", "holds": []}
    instrument("bulk", report)
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=USERNAME))
    client.get("/interventions/bulk/")  # warm-up
    data = {
        "program": Program.objects.get(name=PROGRAM).pk,
        "planned_on": timezone.localdate().isoformat(),
        "persons": person_ids,
        "confirm_duplicate": "on",  # some may have the programme this month already: record anyway
        "submission_token": str(uuid.uuid4()),
    }
    report["holds"].clear()
    started = time.time()
    response = client.post("/interventions/bulk/", data)
    report["bulk"] = (started, time.time())
    report["status"] = response.status_code
    if response.status_code != 302:
        report["page"] = response.content.decode()[:2000]
    results.put(report)


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ms = sorted(v * 1000 for v in values)
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms)),
        "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))]),
        "max_ms": round(ms[-1]),
    }


def lock_waits(log_path: str | None, offset: int, pids: dict[int, str]) -> dict:
    """Lock waits over deadlock_timeout that PostgreSQL logged for the benchmark's sessions."""
    if log_path is None:
        return {"log": "not readable"}
    with open(log_path, errors="replace") as log:
        log.seek(offset)
        text = log.read()
    waits, still, deadlocks = [], 0, 0
    for line in text.splitlines():
        found = re.search(r"\[(\d+)\].*process \d+ (still waiting|acquired) .* after ([\d.]+) ms", line)
        if found and int(found[1]) in pids:
            if found[2] == "acquired":
                waits.append((float(found[3]), pids[int(found[1])]))
            else:
                still += 1
        if "deadlock detected" in line:
            deadlocks += 1
    waits.sort(reverse=True)
    return {
        "log": log_path,
        "waits_over_200ms": still,
        "longest_waits_ms": [(round(ms), who) for ms, who in waits[:5]],
        "deadlocks": deadlocks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--database", default="poverty_bench_writes")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing database without re-seeding.")
    parser.add_argument("--template", help="Copy the scratch database from this seeded one instead of seeding.")
    parser.add_argument("--seed-only", action="store_true", help="Seed --database (for --template) and stop.")
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--bulk", type=int, default=500, help="Persons the bulk page records at once.")
    parser.add_argument("--baseline", type=float, default=10.0, help="Seconds of writers alone first.")
    parser.add_argument("--pause", type=float, default=0.2, help="Seconds each writer waits between writes.")
    parser.add_argument("--json", help="Write the figures to this file too.")
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}", "DEBUG": "1"}
    if not args.reuse:
        prepare(args.database, args.persons, env, args.template)
    if args.seed_only:
        return
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], DJANGO_SETTINGS_MODULE="poverty.settings")
    os.environ.pop("DEBUG", None)  # measured as deployed
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections
    from django.db.models import Count

    from households.models import Person

    busiest = Person.objects.workable().values("household__kelurahan").annotate(n=Count("id")).order_by("-n").first()
    people = list(
        Person.objects.workable()
        .filter(household__kelurahan=busiest["household__kelurahan"])
        .order_by("household_id", "id")
        .values_list("id", "household_id")
    )
    chosen = people[: args.bulk]
    rest = [pk for pk, household in people if household > chosen[-1][1]]  # other households than the bulk's
    if len(chosen) < args.bulk or len(rest) < args.writers * 3:
        raise SystemExit(f"kelurahan has {len(people)} persons: too few for --bulk and --writers; seed more")
    pools = [rest[i :: args.writers] for i in range(args.writers)]
    connections.close_all()

    logs = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"))
    log_path = logs[-1] if logs and os.access(logs[-1], os.R_OK) else None
    offset = os.path.getsize(log_path) if log_path else 0

    context = multiprocessing.get_context("fork")
    go, stop, results = context.Event(), context.Event(), context.Queue()
    writers = [context.Process(target=writer, args=(i, args, pools[i], go, stop, results)) for i in range(args.writers)]
    for process in writers:
        process.start()
    time.sleep(3)  # each writer sets up Django and writes once
    go.set()
    time.sleep(args.baseline)
    bulk_process = context.Process(target=bulk, args=(args, [pk for pk, _h in chosen], results))
    bulk_process.start()
    reports = [results.get()]
    bulk_process.join()
    if "error" in reports[0]:
        stop.set()
        raise SystemExit(f"the bulk request failed: {reports[0]['error']}")
    time.sleep(1)
    stop.set()
    reports += [results.get() for _ in writers]
    for process in writers:
        process.join()

    bulk_report = next(r for r in reports if r["role"] == "bulk")
    bulk_start, bulk_end = bulk_report["bulk"]
    during = [
        latency
        for r in reports
        for start, latency in r.get("writes", [])
        if start + latency >= bulk_start and start <= bulk_end
    ]
    alone = [latency for r in reports for start, latency in r.get("writes", []) if start + latency < bulk_start]
    writer_holds = [(end - first, waited) for r in reports if r["role"] != "bulk" for first, end, waited in r["holds"]]
    bulk_holds = [(end - first, waited) for first, end, waited in bulk_report["holds"]]
    pids = {pid: r["role"] for r in reports for pid in r.get("pids", [])}
    check = subprocess.run(
        [PY, "manage.py", "recount_dashboard", "--check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    figures = {
        "tree": str(ROOT),
        "persons": Person.objects.count(),
        "writers": args.writers,
        "pause_s": args.pause,
        "bulk_persons": len(chosen),
        "bulk_status": bulk_report["status"],
        "bulk_seconds": round(bulk_end - bulk_start, 2),
        "bulk_transactions_writing_tallies": len(bulk_holds),
        "bulk_longest_tally_hold_ms": round(max((h for h, _w in bulk_holds), default=0) * 1000),
        "writes_alone": stats(alone),
        "writes_during_bulk": stats(during),
        "writer_errors": sorted({e for r in reports for e in r.get("errors", [])}),
        "writers_longest_tally_hold_ms": round(max((h for h, _w in writer_holds), default=0) * 1000),
        "writers_longest_tally_upsert_ms": round(max((w for _h, w in writer_holds), default=0) * 1000),
        "postgresql_lock_waits": lock_waits(log_path, offset, pids),
        "recount_check": "ok" if check.returncode == 0 else f"FAILED: {check.stdout[-500:]} {check.stderr[-500:]}",
        "load_average": os.getloadavg(),
    }
    if "page" in bulk_report:
        figures["bulk_page"] = bulk_report["page"]
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
