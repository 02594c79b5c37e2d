"""Whole-app crawl (issue 14, item 1): every page each role can reach, timed from outside against gunicorn.

    .venv/bin/python bench/crawl.py --persons 100000 --database poverty_bench_100k     # quick
    .venv/bin/python bench/crawl.py --write                                             # 1,000,000 persons
    .venv/bin/python bench/crawl.py --sqlite --write                                    # SQLite, 100,000 persons

Reuses the PostgreSQL database when it already holds about N persons, else seeds it (`seed_demo`, then
`seed_scale --persons N`; a million takes 12+ minutes). Starts the README's production server (gunicorn, 3 sync
workers, DEBUG off) on a free 127.0.0.1 port. For each role (admin, supervisor, Dinsos caseworker, Disnaker
caseworker) it signs in through the login form, then follows links breadth-first from `/` (same origin, GET,
never sign-out, language, `data-download` links or `format=`/`print=` URLs), at most `--per-pattern` URLs per
URL name (Django's `resolve()`), and adds explicit URLs: the registry filtered, sorted by every column and at
page 1000, the interventions list filtered, the dashboard for 90 days and for one kelurahan, audit, cohort,
consolidation, and Django admin's changelists of persons, households and interventions. Each URL is requested
once to warm up, then `--runs` times (fewer when one URL has taken `--budget` seconds): median and p95
(nearest rank) of the whole response. Exports (registry, interventions; CSV and XLSX, whole city and one
kelurahan) are timed to their first byte.

Query counts: the app sends no query-count header and PostgreSQL here has no pg_stat_statements loaded (it
needs a server restart), so after the timed runs each URL is requested once more in-process through Django's
test client, signed in as the same user, and its queries counted (`CaptureQueriesContext`); the app is not
changed.

Targets (issue 14): every page median <= 300 ms and p95 <= 600 ms; home, registry and case file <= 150 ms.

`--sqlite` measures the embedded default instead: the SQLite file `bench/out/crawl-N.sqlite3` (or `--database
PATH.sqlite3`), reused or seeded the same way (without VACUUM or ANALYZE: nothing gathers SQLite's planner
statistics in use), served by the same gunicorn command with the app's own SQLite settings (WAL, IMMEDIATE
transactions). Its target (issue 14): every page median <= 1 s, p95 reported; written to its own section.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shlex
import statistics
import sys
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import benchserver
import requests

ROOT = benchserver.ROOT
DOC = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## Whole-app crawl"
SQLITE_SECTION = "## Whole-app crawl on SQLite"
SKIP_PATHS = ("/static/", "/media/", "/accounts/logout/", "/admin/logout/", "/i18n/")
SKIP_QUERY = ("format", "print")


@dataclass(frozen=True)
class Targets:
    median: int  # ms, every page
    p95: int | None  # ms, every page; None: reported, no target
    fast: dict[str, int]  # median targets of named pages, stricter than `median`

    def describe(self) -> str:
        text = f"every page median <= {self.median:,} ms" + (f" and p95 <= {self.p95:,} ms" if self.p95 else "")
        if self.fast:
            text += f"; {', '.join(self.fast)} median <= {min(self.fast.values())} ms"
        return text


# Issue 14: at 1M persons on PostgreSQL; at 100k on SQLite, the embedded default, "every page <= 1 s".
POSTGRES_TARGETS = Targets(300, 600, {"home": 150, "cases:registry": 150, "cases:detail": 150})
SQLITE_TARGETS = Targets(1000, None, {})


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append((a["href"], "data-download" in a))


def links_in(html: str) -> list[tuple[str, bool]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def view_of(path: str) -> str:
    from django.urls import resolve

    return resolve(path).view_name


def local(base: str, page: str, href: str) -> str | None:
    """The link as a path + query on this server, or None for another origin, a file or a frame action."""
    url = urlsplit(urljoin(base + page, href))
    if url.scheme not in ("http", "https") or url.netloc != urlsplit(base).netloc:
        return None
    if url.path.startswith(SKIP_PATHS) or any(key in parse_qs(url.query) for key in SKIP_QUERY):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


@dataclass
class Timing:
    role: str
    url: str
    view: str
    label: str = ""  # an explicit URL's name ("registry sorted by -visited")
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    queries: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def discover(session: requests.Session, base: str, per_pattern: int, timeout: float) -> tuple[list[str], list[str]]:
    """The pages a role reaches from `/` by following links, at most `per_pattern` per URL name."""
    from django.urls import Resolver404

    queue, seen, per_view = deque(["/"]), {"/"}, Counter({"home": 1})
    pages, problems = [], []
    while queue:
        url = queue.popleft()
        started = time.perf_counter()
        try:
            response = session.get(base + url, allow_redirects=False, timeout=timeout)
        except requests.RequestException as error:
            problems.append(f"`{url}`: {type(error).__name__} after {time.perf_counter() - started:.0f} s")
            continue
        found: list[tuple[str, bool]] = []
        if response.status_code in (301, 302, 303):
            found = [(response.headers["Location"], False)]
        elif response.status_code != 200:
            problems.append(f"`{url}` answers {response.status_code} after {time.perf_counter() - started:.1f} s")
            continue
        elif not response.headers.get("Content-Type", "").startswith("text/html"):
            problems.append(
                f"`{url}` is a link without `data-download` that answers {response.headers['Content-Type']}"
            )
            continue
        else:
            pages.append(url)
            found = links_in(response.text)
        for href, is_download in found:
            target = local(base, url, href)
            if is_download or target is None or target in seen:
                continue
            seen.add(target)
            try:
                view = view_of(urlsplit(target).path)
            except Resolver404:
                problems.append(f"`{url}` links to nowhere: `{target}`")
                continue
            if per_view[view] < per_pattern:
                per_view[view] += 1
                queue.append(target)
    return pages, problems


def measure(session, base: str, timing: Timing, runs: int, budget: float, timeout: float) -> Timing | str:
    """One warm-up, then `runs` timed requests (at least 3, fewer than `runs` once `budget` seconds are spent);
    or why not."""
    try:
        warm = session.get(base + timing.url, allow_redirects=False, timeout=timeout)
    except requests.RequestException as error:
        return f"no answer in {timeout:.0f} s ({type(error).__name__})"
    if warm.status_code != 200:
        return f"answers {warm.status_code}"
    started = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        try:
            response = session.get(base + timing.url, allow_redirects=False, timeout=timeout)
            ok = response.status_code == 200
        except requests.RequestException:
            ok = False
        timing.times_ms.append((time.perf_counter() - t0) * 1000)
        timing.errors += not ok
        if len(timing.times_ms) >= 3 and time.perf_counter() - started > budget:
            break
    return timing


def first_byte(session, url: str, timeout: float) -> tuple[float | None, str]:
    """Seconds until the first byte of the file's body, or None with why."""
    t0 = time.perf_counter()
    try:
        with session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                return None, f"answers {response.status_code} after {time.perf_counter() - t0:.0f} s"
            response.raw.read(1)
            return time.perf_counter() - t0, ""
    except requests.RequestException as error:
        return None, f"no answer in {time.perf_counter() - t0:.0f} s ({type(error).__name__})"


def setup_django(database: str) -> None:
    os.environ.update(benchserver.server_env(database))
    for name in ("DEBUG", "ALLOWED_HOSTS", "HTTPS", "SECRET_KEY"):
        os.environ.pop(name, None)
    import django

    django.setup()


def scale() -> dict[str, int]:
    from households.models import Household, Person
    from interventions.models import Intervention

    return {
        "persons": Person.objects.count(),
        "households": Household.objects.count(),
        "interventions": Intervention.objects.count(),
    }


def explicit_urls() -> list[tuple[str, str]]:
    """(label, url): the lists filtered and sorted, deep pages, periods, and the admin's biggest changelists."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Opd
    from cases.filters import HouseholdFilter
    from households.models import Household

    biggest = Household.objects.values("kelurahan").annotate(n=Count("id")).order_by("-n")[0]["kelurahan"]
    opd = Opd.objects.get(name="Dinas Sosial").pk
    today = timezone.localdate()
    quarter = f"period_from={(today - datetime.timedelta(days=90)).isoformat()}&period_to={today.isoformat()}"
    urls = [
        ("registry, one kelurahan, extreme poor", f"/households/?kelurahan={biggest}&status=extreme_poor"),
        ("registry, page 1000", "/households/?page=1000"),
    ]
    for key in HouseholdFilter.base_filters["sort"].param_map:
        urls += [(f"registry sorted by {key}", f"/households/?sort={key}")]
        urls += [(f"registry sorted by -{key}", f"/households/?sort=-{key}")]
    urls += [
        ("interventions, planned", "/interventions/?status=planned"),
        ("interventions, one kelurahan", f"/interventions/?kelurahan={biggest}"),
        ("interventions, Dinsos delivered", f"/interventions/?opd={opd}&status=delivered"),
        ("dashboard, last 90 days", f"/dashboard/?{quarter}"),
        ("dashboard, one kelurahan", f"/dashboard/?kelurahan={biggest}"),
        ("dashboard, 90 days in one kelurahan", f"/dashboard/?{quarter}&kelurahan={biggest}"),
        ("cohort", "/dashboard/cohort/"),
        ("audit: changes", "/audit/"),
        ("audit: access", "/audit/access/"),
        ("consolidation, one kelurahan", f"/consolidation/?kelurahan={biggest}"),
        ("referral inbox", "/referrals/"),
        ("my work", "/my-work/"),
        ("admin: persons", "/admin/households/person/"),
        ("admin: households", "/admin/households/household/"),
        ("admin: interventions", "/admin/interventions/intervention/"),
    ]
    return urls


def export_urls() -> list[tuple[str, str]]:
    from django.db.models import Count

    from households.models import Household

    biggest = Household.objects.values("kelurahan").annotate(n=Count("id")).order_by("-n")[0]["kelurahan"]
    return [
        (f"{name}, {fmt.upper()}, {where}", f"{path}?{query}format={fmt}")
        for name, path in (("registry", "/households/export/"), ("interventions", "/interventions/export/"))
        for where, query in (("whole city", ""), ("one kelurahan", f"kelurahan={biggest}&"))
        for fmt in ("csv", "xlsx")
    ]


def count_queries(timings: list[Timing]) -> None:
    """Each URL once more, in-process, as the same user: how many SQL queries it runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients: dict[str, Client] = {}
    for timing in timings:
        if timing.role not in clients:
            clients[timing.role] = Client(HTTP_HOST="127.0.0.1")
            clients[timing.role].force_login(User.objects.get(username=benchserver.ROLES[timing.role]))
        connection.queries_log.clear()  # a page of thousands of queries fills the log; counts start afresh
        with CaptureQueriesContext(connection) as captured:
            response = clients[timing.role].get(timing.url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        if response.status_code == 200:
            timing.queries = len(captured.captured_queries)


def verdict(targets: Targets, view: str, median: float, p95: float) -> str:
    wanted = targets.fast.get(view, targets.median)
    misses = [f"median > {wanted}"] if median > wanted else []
    misses += [f"p95 > {targets.p95}"] if targets.p95 and p95 > targets.p95 else []
    return "✗ " + ", ".join(misses) if misses else "✓"


def cell(t: Timing | None) -> str:
    if t is None:
        return "–"
    queries = f" · {t.queries} q" if t.queries is not None else ""
    errors = f" · **{t.errors} errors**" if t.errors else ""
    return f"{t.median:,.0f} / {t.p95:,.0f}{queries}{errors}"


def report(args, counts, timings: list[Timing], exports, problems, notes, elapsed: float) -> str:
    targets = SQLITE_TARGETS if benchserver.is_sqlite(args.database) else POSTGRES_TARGETS
    roles = list(benchserver.ROLES)
    # Per URL name and role, the slowest of its URLs (by median): the page that must meet the target.
    worst: dict[str, dict[str, Timing]] = {}
    for t in timings:
        current = worst.setdefault(t.view, {}).get(t.role)
        if current is None or t.median > current.median:
            worst[t.view][t.role] = t
    rows = sorted(worst.items(), key=lambda item: -max(t.median for t in item[1].values()))
    lines = [
        f"### {counts['persons']:,} persons — {datetime.datetime.now(datetime.UTC).date().isoformat()}",
        "",
        f"{counts['persons']:,} persons, {counts['households']:,} households, {counts['interventions']:,} interventions "
        f"({notes['database']}). gunicorn, {args.workers} sync workers, DEBUG off, 127.0.0.1. {args.runs} requests "
        f"per URL after a warm-up (fewer once a URL has taken {args.budget:.0f} s), at most {args.per_pattern} URLs "
        f"per URL name found by following links, plus the explicit URLs below. Times are the whole response "
        f"(median / p95, ms); `q` is the SQL queries of one request counted in-process. Crawl took "
        f"{elapsed / 60:.0f} min; machine (shared with other sessions): {notes['before']} before, {notes['after']} after, "
        f"{notes['busy']} (both cores, everyone's work, this crawl's server included). Target: {targets.describe()}.",
        "",
        "```sh",
        notes["command"],
        "```",
        "",
    ]
    over = []
    for view, by_role in rows:
        for role, t in by_role.items():
            v = verdict(targets, view, t.median, t.p95)
            if v != "✓" or t.errors:
                over.append(
                    f"- `{view}` as {role}: {t.median:,.0f} / {t.p95:,.0f} ms ({v[2:] or 'errors'}) — `{t.url}`"
                )
    lines += ["**Over target** (slowest first):", "", *(over or ["- none"]), ""]
    lines += [
        "Every URL name, slowest first (the slowest URL of each name per role: median / p95 ms · queries):",
        "",
        "| URL name | " + " | ".join(roles) + " | slowest URL | target |",
        "|---" * (len(roles) + 3) + "|",
    ]
    for view, by_role in rows:
        slowest = max(by_role.values(), key=lambda t: t.median)
        lines.append(
            f"| `{view}` | "
            + " | ".join(cell(by_role.get(r)) for r in roles)
            + f" | `{slowest.url}` | {verdict(targets, view, slowest.median, max(t.p95 for t in by_role.values()))} |"
        )
    explicit: dict[str, dict[str, Timing]] = {}
    for t in timings:
        if t.label:
            explicit.setdefault(t.label, {})[t.role] = t
    lines += [
        "",
        "Explicit URLs (median / p95 ms · queries; – where the role is refused):",
        "",
        "| page | " + " | ".join(roles) + " | target |",
        "|---" * (len(roles) + 2) + "|",
    ]
    for label, by_role in sorted(explicit.items(), key=lambda item: -max(t.median for t in item[1].values())):
        any_t = next(iter(by_role.values()))
        v = verdict(targets, any_t.view, max(t.median for t in by_role.values()), max(t.p95 for t in by_role.values()))
        lines.append(f"| {label} | " + " | ".join(cell(by_role.get(r)) for r in roles) + f" | {v} |")
    lines += [
        "",
        f"Exports, time to the first byte of the file (supervisor; median of {args.export_runs} after a warm-up):",
        "",
        "| export | first byte | URL |",
        "|---|---|---|",
    ]
    for label, url, seconds, why in exports:
        shown = f"{statistics.median(seconds):,.2f} s" if seconds else f"**{why}**"
        lines.append(f"| {label} | {shown} | `{url}` |")
    if problems:
        lines += ["", "Found on the way:", "", *sorted(set(problems))]
    return "\n".join(lines) + "\n"


INTRO = f"""{SECTION}

<!-- written by bench/crawl.py --write -->

`bench/crawl.py` (issue 14, item 1) signs in as each role through the login form and times every page the role
reaches by following links from the home page, against gunicorn with DEBUG off on PostgreSQL. Targets: every
page median <= 300 ms and p95 <= 600 ms; home, registry and case file median <= 150 ms. Each run below replaces
the earlier one at the same number of persons (`--write`).

```sh
.venv/bin/pip install -r requirements-dev.txt                    # locust, and requests with it
.venv/bin/python bench/crawl.py --persons 100000 --database poverty_bench_100k --write   # ~25 min
.venv/bin/python bench/crawl.py --write          # 1,000,000 persons in poverty_bench_scale (seeded if missing)
.venv/bin/python bench/explain_page.py /dashboard/cohort/ --user supervisor     # why one page is slow
```

The database is reused when it already holds about N persons, else seeded (`seed_scale --persons 1000000`
took 38 min on this shared machine, 12 min on a quiet one) and vacuumed. `--per-pattern`, `--runs`,
`--roles`, `--no-explicit`, `--no-exports` narrow a run; the raw timings go to `bench/out/crawl-N.json`.
"""

SQLITE_INTRO = f"""{SQLITE_SECTION}

<!-- written by bench/crawl.py --sqlite --write -->

The same crawl as in "Whole-app crawl" on the embedded default, SQLite (issue 14: "the same page targets hold on
SQLite at 100k persons, every page <= 1 s there"): the database is the file `bench/out/crawl-N.sqlite3`, reused
when it already holds about N persons, else made afresh (migrate, `seed_demo`, `seed_scale --persons N`; no
ANALYZE, as nothing gathers SQLite's planner statistics in use), served by the same gunicorn command (3 sync
workers, DEBUG off) with the app's own SQLite settings (WAL, IMMEDIATE transactions, 20 s busy timeout). Target:
{SQLITE_TARGETS.describe()}; p95 is reported. Each run below replaces the earlier one at the same number of
persons.

```sh
.venv/bin/python bench/crawl.py --sqlite --persons 100000 --write
.venv/bin/python bench/explain_page.py / --user supervisor --database bench/out/crawl-100000.sqlite3   # EXPLAIN QUERY PLAN
```
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, help="default 1,000,000 on PostgreSQL, 100,000 on SQLite")
    parser.add_argument(
        "--database",
        help="a PostgreSQL database (default poverty_bench_scale) or a SQLite file's path (*.sqlite3; with "
        "--sqlite, default bench/out/crawl-N.sqlite3)",
    )
    parser.add_argument("--sqlite", action="store_true", help="measure SQLite, the embedded default (target 1 s)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the database is seeded")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60, help="seconds per URL before fewer runs")
    parser.add_argument("--per-pattern", type=int, default=3)
    parser.add_argument("--roles", default=",".join(benchserver.ROLES), help="comma-separated")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout (its default)")
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--no-explicit", action="store_true", help="only the pages found by following links")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"write the result into docs/BENCHMARKS.md, {SECTION} (or {SQLITE_SECTION})",
    )
    args = parser.parse_args()
    args.sqlite = args.sqlite or (args.database is not None and benchserver.is_sqlite(args.database))
    if args.persons is None:
        args.persons = 100_000 if args.sqlite else 1_000_000
    if args.database is None:
        args.database = f"bench/out/crawl-{args.persons}.sqlite3" if args.sqlite else "poverty_bench_scale"
    elif args.sqlite and not benchserver.is_sqlite(args.database):
        parser.error("--sqlite needs a SQLite file for --database (a path ending in .sqlite3, .sqlite or .db)")
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    command = "$ .venv/bin/python bench/crawl.py " + shlex.join(sys.argv[1:])

    benchserver.prepare(args.database, args.persons, reseed=args.reseed)
    setup_django(args.database)
    counts = scale()
    explicit = [] if args.no_explicit else explicit_urls()
    notes = {"before": benchserver.machine_note(), "command": command, "database": benchserver.describe(args.database)}
    cpu = benchserver.cpu_mark()
    client_timeout = args.timeout + 15
    timings: list[Timing] = []
    problems: list[str] = []
    exports = []
    started = time.perf_counter()
    with benchserver.gunicorn(args.database, workers=args.workers, timeout=args.timeout) as base:
        for role in args.roles.split(","):
            session = requests.Session()
            benchserver.sign_in(session, base, benchserver.ROLES[role])
            pages, found = discover(session, base, args.per_pattern, client_timeout)
            problems += [f"- {role}: {p}" for p in found]
            todo = [Timing(role, url, view_of(urlsplit(url).path)) for url in pages]
            todo += [Timing(role, url, view_of(urlsplit(url).path), label) for label, url in explicit]
            print(f"{role}: {len(pages)} pages found, {len(todo)} URLs to time", file=sys.stderr)
            for timing in todo:
                done = measure(session, base, timing, args.runs, args.budget, client_timeout)
                if isinstance(done, Timing):
                    timings.append(done)
                    print(f"  {done.median:8.0f} {done.p95:8.0f}  {timing.url}", file=sys.stderr)
                elif not (timing.label and done in ("answers 403", "answers 302")):  # refused to the role
                    # (Django admin sends who is not staff to its own sign-in page)
                    problems.append(f"- {role}: `{timing.url}` {done} when timed")
        if not args.no_exports:
            session = requests.Session()
            benchserver.sign_in(session, base, "supervisor")
            for label, url in export_urls():
                seconds, why = [], ""
                for run in range(args.export_runs + 1):
                    time.sleep(3)  # the worker that streamed the file abandoned before stops on its broken pipe
                    took, why = first_byte(session, base + url, client_timeout)
                    if took is None:
                        break
                    if run:  # the first is the warm-up
                        seconds.append(took)
                exports.append((label, url, seconds, why))
                print(f"  export {label}: {seconds} {why}", file=sys.stderr)
    notes["after"] = benchserver.machine_note()
    notes["busy"] = benchserver.busy_since(cpu)
    elapsed = time.perf_counter() - started
    count_queries(timings)
    text = report(args, counts, timings, exports, problems, notes, elapsed)
    suffix = "-sqlite" if benchserver.is_sqlite(args.database) else ""
    out = ROOT / "bench" / "out" / f"crawl-{counts['persons']}{suffix}.json"
    out.write_text(json.dumps({"counts": counts, "timings": [asdict(t) for t in timings], "exports": exports}))
    print(text)
    if args.write:
        section, intro = (SQLITE_SECTION, SQLITE_INTRO) if benchserver.is_sqlite(args.database) else (SECTION, INTRO)
        benchserver.write_section(DOC, section, intro, text, f"{counts['persons']:,} persons")


if __name__ == "__main__":
    main()
