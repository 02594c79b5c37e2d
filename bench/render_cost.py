"""CPU per request of the load test's pages (issue 14 item 2), in-process, with DEBUG off.

    .venv/bin/python bench/render_cost.py                        # the table: CPU ms, wall ms, queries per page
    .venv/bin/python bench/render_cost.py --profile "case file"  # cProfile top 30 (cumulative and tottime)
    .venv/bin/python bench/render_cost.py --queries registry     # the SQL of one request
    .venv/bin/python bench/render_cost.py --html bench/out/html-after   # every page's HTML and outline
    diff -r -x '*.html' bench/out/html-before bench/out/html-after      # what a change did to the pages
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mydb .venv/bin/python bench/render_cost.py

The load test (`bench/loadtest.py`) is limited by Python in the gunicorn workers, not by the database: this
measures that Python. It follows the load test's journeys with Django's test client (signed in with `force_login`
as `dinsos` and `supervisor`, each request sending `Accept-Encoding: gzip` as locust does), picks the same kinds of
URLs (a random registry page 1-40 or one kelurahan, a case file from it, the visit form and its POST, the
dashboard, one of its drill-down links into the registry and that list's next page), warms each up, then times
`--runs` requests per page: `time.process_time` (CPU of this process: the mean, and the best batch of ten
requests, which other work on a shared machine disturbs least) and wall time. The queries per request are
counted in a separate pass (CaptureQueriesContext), so counting them costs the timing nothing. "mix" weighs each
page by its share of the load test's requests (1,000,000 persons, docs/BENCHMARKS.md).

Without DATABASE_URL it builds an SQLite database once, `bench/out/render_cost.sqlite3` (migrate, `seed_demo`,
`seed_scale --persons 5000`, so registry pages are full 25-row pages as at scale), and measures a fresh copy of it
on every run. Each visit POST is rolled back (the request's transaction becomes a savepoint of the benchmark's),
so case files keep their visits and runs measure the same data on any database. On SQLite the database works
inside this process, so its CPU is counted too ("db ms": the queries' share of the wall time); on PostgreSQL (a
throwaway database seeded the same way: migrate, `seed_demo`, `seed_scale`) only the Python side is, as in a
gunicorn worker. Settings are the production ones (DEBUG off: the cached template loader, hashed static names from
the manifest, which `collectstatic` writes into STATIC_ROOT when it is missing).

`--html DIR` writes each page of the mix, and the demo's own case files (history, referrals, proposals), for the
dinsos, disnaker, supervisor and admin accounts: the HTML, and an outline (each tag with its attributes sorted,
each text stripped, CSRF and submit-once tokens blanked) that two versions of the code can be compared by.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import gzip
import logging
import os
import pstats
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SQLITE = ROOT / "bench" / "out" / "render_cost.sqlite3"
# Requests of each kind in the load test at 1,000,000 persons (docs/BENCHMARKS.md, "Load test", 2026-11-29).
SHARES = {
    "registry": 405,
    "case file": 573,
    "visit form": 166,
    "visit: send": 160,
    "dashboard": 147,
    "drill-down": 151,
    "next page": 149,
}
CASE_FILE = re.compile(r'href="(/households/\d+/)"')
VISIT_FORM = re.compile(r'href="(/households/\d+/visits/new/)"')
DRILL_DOWN = re.compile(r'href="(/households/\?[^"]+)"')
NEXT_PAGE = re.compile(r'href="(\?[^"]*page=\d+[^"]*)"')
KELURAHAN_OPTION = re.compile(r'<option value="(\d+)"')
PURPOSES = ["monitoring", "follow_up", "verification", "other"]
BATCH = 10


def prepare_sqlite(persons: int) -> Path:
    """The seeded SQLite database (built once), copied afresh for this run."""
    if not SQLITE.exists():
        SQLITE.parent.mkdir(exist_ok=True)
        building = SQLITE.with_suffix(".building")
        building.unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{building}", "DEBUG": "1"}
        for command in (["migrate", "-v0"], ["seed_demo"], ["seed_scale", "--persons", str(persons)]):
            subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        building.rename(SQLITE)
    else:  # built by an earlier version of the code: bring its tables up to date (a data migration may take a while)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{SQLITE}", "DEBUG": "1"}
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True)
    scratch = tempfile.mkdtemp(prefix="render_cost-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copy = Path(scratch) / "db.sqlite3"
    shutil.copyfile(SQLITE, copy)
    return copy


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("DEBUG", None)  # production semantics
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poverty.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)


def text(response) -> str:
    """The page as the browser reads it (the responses are gzipped, as locust asks)."""
    body = response.content
    return (gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body).decode()


class Journeys:
    """The load test's URLs, found the way its users find them (links on the pages), with a fixed seed."""

    def __init__(self, caseworker, supervisor, samples: int, seed: int) -> None:
        self.caseworker, self.supervisor = caseworker, supervisor
        self.random = random.Random(seed)
        self.samples = samples

    def urls(self) -> dict[str, list[str]]:
        first = text(self.caseworker.get("/households/"))
        select = first.split('name="kelurahan"', 1)[-1].split("</select>", 1)[0]
        kelurahan = KELURAHAN_OPTION.findall(select)
        registry, case_files = [], []
        for _ in range(self.samples):
            if kelurahan and self.random.random() < 0.5:
                url = f"/households/?kelurahan={self.random.choice(kelurahan)}"
            else:
                url = f"/households/?page={self.random.randint(1, 40)}"
            registry.append(url)
            files = CASE_FILE.findall(text(self.caseworker.get(url)))
            if files:
                case_files.append(self.random.choice(files))
        visit_forms = []
        for url in case_files:
            visit_forms += VISIT_FORM.findall(text(self.caseworker.get(url)))[:1]
        dashboard = text(self.supervisor.get("/dashboard/"))
        links = [link.replace("&amp;", "&") for link in DRILL_DOWN.findall(dashboard)]
        drill_downs, next_pages = [], []
        for _ in range(self.samples):
            url = self.random.choice(links)
            drill_downs.append(url)
            pages = [p.replace("&amp;", "&") for p in NEXT_PAGE.findall(text(self.supervisor.get(url)))]
            following = [p for p in pages if re.search(r"[?&]page=2(&|$)", p)] or pages
            if following:
                next_pages.append("/households/" + following[0])
        return {
            "registry": registry,
            "case file": case_files,
            "visit form": visit_forms,
            "visit: send": visit_forms,
            "dashboard": ["/dashboard/"],
            "drill-down": drill_downs,
            "next page": next_pages,
        }


def visit_post(client, url: str, rng: random.Random) -> Callable[[], object]:
    """Opens the visit form (not measured) and returns the POST of what it carries, as the load test sends it."""
    from tests.pageforms import forms_in

    page = text(client.get(url))
    form = next(f for f in forms_in(page, url) if "purpose" in f.names())
    form["purpose"] = rng.choice(PURPOSES)
    # Never the same words twice, also across runs on one database: the same visit sent again is refused.
    form["findings"] = f"Kunjungan uji beban {secrets.token_hex(6)}: kondisi rumah tangga dipantau."
    data = form.data()

    def send():
        from urllib.parse import urlencode

        from django.db import transaction

        # Rolled back (the request's own transaction becomes a savepoint), so the case files keep their visits
        # and every run measures the same data, on any database.
        with transaction.atomic():
            response = client.post(url, data=urlencode(data), content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
        assert response.status_code == 302, (url, response.status_code)
        return response

    return send


class Page:
    def __init__(self, name: str, client, urls: list[str], rng: random.Random) -> None:
        self.name, self.client, self.urls, self.rng = name, client, urls, rng
        self.turn = 0

    def request(self) -> Callable[[], object]:
        """The next request of this page (its URLs in turn), ready to send."""
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        if self.name == "visit: send":
            return visit_post(self.client, url, self.rng)

        def get():
            response = self.client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get


def measure(page: Page, runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(len(page.urls)):  # warm-up: every URL once
        page.request()()
    queries, db_seconds = [], []
    for _ in range(min(runs, len(page.urls))):
        send = page.request()
        with CaptureQueriesContext(connection) as captured:
            send()
        queries.append(len(captured.captured_queries))
        db_seconds.append(sum(float(q["time"]) for q in captured.captured_queries))
    cpu, wall = [], []
    for _ in range(runs):
        send = page.request()
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        send()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    # The best batch of ten: on a machine shared with other work, time lost to it only ever adds.
    batches = [cpu[start : start + BATCH] for start in range(0, runs - BATCH + 1, BATCH)] or [cpu]
    return {
        "cpu": 1000 * sum(cpu) / runs,
        "best": 1000 * min(sum(batch) / len(batch) for batch in batches),
        "wall": 1000 * statistics.median(wall),
        "db": 1000 * statistics.median(db_seconds),
        "queries": statistics.mean(queries),
    }


def profile(page: Page, runs: int, top: int, save: Path | None) -> None:
    for _ in range(len(page.urls)):
        page.request()()
    sends = [page.request() for _ in range(runs)]
    profiler = cProfile.Profile()
    profiler.enable()
    for send in sends:
        send()
    profiler.disable()
    if save:
        profiler.dump_stats(save)
    for order in ("cumulative", "tottime"):
        print(f"\n### {page.name}: {runs} requests, top {top} by {order}\n")
        pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(top)


def show_queries(page: Page) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    send = page.request()
    send()  # warm
    send = page.request() if page.name == "visit: send" else send
    with CaptureQueriesContext(connection) as captured:
        send()
    for n, query in enumerate(captured.captured_queries, 1):
        print(f"{n:3d}. {query['sql'][:400]}")


class Outline(HTMLParser):
    """A page as text to compare: each tag with its attributes sorted, each piece of text stripped, one per line;
    per-response secrets (CSRF and submit-once tokens) blanked."""

    SECRET = {"csrfmiddlewaretoken", "submission_token"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("name") in self.SECRET:
            attrs["value"] = "…"
        self.lines.append(f"<{tag} " + " ".join(f'{k}="{v}"' for k, v in sorted(attrs.items(), key=str)) + ">")

    def handle_endtag(self, tag):
        self.lines.append(f"</{tag}>")

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.lines.append(text)


def dump_html(directory: Path, clients: dict[str, object], urls: dict[str, list[str]]) -> None:
    """Every page of the mix, plus the demo's own case files (history, referrals, proposals), for every role that
    works on them, as raw HTML and as an outline (`diff -r` two such directories)."""
    from households.models import Household

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the admin's refused visit forms are skipped
    directory.mkdir(parents=True, exist_ok=True)
    demo = list(Household.objects.order_by("id").values_list("id", flat=True)[:25])
    pages = {name: sorted(set(found))[:6] for name, found in urls.items() if name != "visit: send"}
    pages["demo case file"] = [f"/households/{pk}/" for pk in demo]
    pages["demo visit form"] = [f"/households/{pk}/visits/new/" for pk in demo[:3]]
    pages["registry"] += ["/households/", "/households/?sort=-visited&status=extreme_poor", "/households/?served=1"]
    for role, client in clients.items():
        for name, found in pages.items():
            for n, url in enumerate(found):
                response = client.get(url)
                if response.status_code != 200:
                    continue
                html = text(response)
                stem = f"{role}-{name.replace(' ', '_')}-{n:02d}"
                (directory / f"{stem}.html").write_text(f"<!-- {url} -->\n{html}")
                outline = Outline()
                outline.feed(html)
                (directory / f"{stem}.txt").write_text(f"{url}\n" + "\n".join(outline.lines) + "\n")
    print(f"wrote {len(list(directory.glob('*.txt')))} pages to {directory}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50, help="measured requests per page (default 50)")
    parser.add_argument("--samples", type=int, default=10, help="URLs picked per page (default 10)")
    parser.add_argument("--persons", type=int, default=5000, help="seed_scale persons for the SQLite database")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--profile", metavar="PAGE", choices=list(SHARES), help="cProfile this page instead")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile (default 30)")
    parser.add_argument("--pstats", metavar="FILE", type=Path, help="also save the profile (for pstats, snakeviz)")
    parser.add_argument("--queries", metavar="PAGE", choices=list(SHARES), help="print one request's SQL")
    parser.add_argument("--only", metavar="PAGE", action="append", choices=list(SHARES), help="measure only these")
    parser.add_argument("--html", metavar="DIR", type=Path, help="write every page's HTML and outline to DIR")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{prepare_sqlite(args.persons)}"
    setup_django(database_url)
    from django.test import Client

    from accounts.models import User

    clients = {}
    for username in ("dinsos", "supervisor", "disnaker", "admin"):
        clients[username] = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        clients[username].force_login(User.objects.get(username=username))
    urls = Journeys(clients["dinsos"], clients["supervisor"], args.samples, args.seed).urls()
    if args.html:
        dump_html(args.html, clients, urls)
        return
    rng = random.Random(args.seed)
    role = {"dashboard": "supervisor", "drill-down": "supervisor", "next page": "supervisor"}
    pages = {name: Page(name, clients[role.get(name, "dinsos")], urls[name], rng) for name in SHARES}
    if args.queries:
        show_queries(pages[args.queries])
        return
    if args.profile:
        profile(pages[args.profile], args.runs, args.top, args.pstats)
        return
    print(f"{database_url.split('?')[0]}, {args.runs} requests per page, CPU = time.process_time of this process\n")
    print(f"| {'page':<12} | share | CPU ms/req | best 10 | wall ms (median) | db ms (median) | queries |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name in args.only or SHARES:
        results[name] = result = measure(pages[name], args.runs)
        share = SHARES[name] / sum(SHARES.values())
        print(
            f"| {name:<12} | {100 * share:4.1f}% | {result['cpu']:10.1f} | {result['best']:7.1f} | {result['wall']:16.1f} | "
            f"{result['db']:14.1f} | {result['queries']:7.1f} |",
            flush=True,
        )
    if len(results) == len(SHARES):
        total = sum(SHARES.values())
        mix = {k: sum(SHARES[n] * r[k] for n, r in results.items()) / total for k in ("cpu", "best", "wall", "db")}
        print(
            f"| {'mix':<12} |  100% | {mix['cpu']:10.1f} | {mix['best']:7.1f} | {mix['wall']:16.1f} | "
            f"{mix['db']:14.1f} |         |"
        )


if __name__ == "__main__":
    main()
