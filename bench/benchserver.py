"""What the crawl (`crawl.py`) and the load test (`loadtest_run.py`) share: a seeded database, the app under
gunicorn on 127.0.0.1 with DEBUG off, and signing in through the login form as a person would.

A database is named by a PostgreSQL database name (`poverty_bench_scale`) or by the path of a SQLite file
(anything ending in `.sqlite3`, `.sqlite` or `.db`; `bench/out/crawl-100000.sqlite3`), which the app reaches
through `DATABASE_URL=sqlite:////absolute/path` with its own SQLite settings (WAL, IMMEDIATE transactions).

Nothing here changes the app: the server is the production command from the README (gunicorn, 3 sync workers,
its default 30 s worker timeout) on the benchmark database, with the static files collected as in production.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PASSWORD = "demo-palangka"  # noqa: S105 (every seed_demo account: settings.DEMO_PASSWORD)
# The demo cast: the role measured, and the account that plays it.
ROLES = {
    "admin": "admin",
    "supervisor": "supervisor",
    "dinsos caseworker": "dinsos",
    "disnaker caseworker": "disnaker",
}
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def is_sqlite(database: str) -> bool:
    """Whether `database` names a SQLite file (by its suffix) rather than a PostgreSQL database."""
    return Path(database).suffix in (".sqlite3", ".sqlite", ".db")


def sqlite_path(database: str) -> Path:
    return (ROOT / database).resolve()  # relative to the project's root; an absolute path stays as it is


def engine(database: str) -> str:
    return "SQLite" if is_sqlite(database) else "PostgreSQL"


def describe(database: str) -> str:
    """How a report names the database it measured: "SQLite file `bench/out/…`" or "PostgreSQL database `…`"."""
    if not is_sqlite(database):
        return f"PostgreSQL database `{database}`"
    path = sqlite_path(database)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"SQLite file `{shown}`, {path.stat().st_size / 2**20:,.0f} MB"


def database_url(database: str) -> str:
    if is_sqlite(database):
        return f"sqlite:///{sqlite_path(database)}"  # sqlite:////abs/path
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def psql(database: str, sql: str) -> str:
    out = subprocess.run(["psql", *PG, "-d", database, "-Atc", sql], capture_output=True, text=True, check=False)
    return out.stdout.strip() if out.returncode == 0 else ""


def persons_in(database: str) -> int:
    """How many persons the database holds (0 when it does not exist or was never seeded)."""
    if is_sqlite(database):
        path = sqlite_path(database)
        if not path.exists():
            return 0
        try:
            with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
                return db.execute("SELECT count(*) FROM households_person").fetchone()[0]
        except sqlite3.Error:
            return 0
    value = psql(database, "SELECT count(*) FROM households_person")
    return int(value) if value.isdigit() else 0


def prepare(database: str, persons: int, *, reseed: bool = False) -> None:
    """Reuse the database when it already holds about `persons` persons (seeding a million takes 12+ minutes);
    otherwise create it afresh: migrate, the demo accounts (`seed_demo`), `seed_scale --persons N`, VACUUM
    (PostgreSQL; a SQLite file is deleted and made again the same way, without VACUUM or ANALYZE)."""
    found = persons_in(database)
    if not reseed and found >= persons * 0.95:
        print(f"reusing {database}: {found:,} persons", file=sys.stderr)
        return
    env = {**os.environ, "DATABASE_URL": database_url(database), "DEBUG": "1"}
    if is_sqlite(database):
        path = sqlite_path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    else:
        subprocess.run(["dropdb", *PG, "--if-exists", database], check=True)
        subprocess.run(["createdb", *PG, database], check=True)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([PY, "manage.py", "seed_scale", "--persons", str(persons)], cwd=ROOT, env=env, check=True)
    print(f"seed_scale --persons {persons}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if is_sqlite(database):
        # No ANALYZE here: nothing in the app or in SQLite gathers planner statistics (sqlite_stat1) by itself,
        # so a SQLite database in use has none, and the crawl measures it as it is. Only the write-ahead log
        # is folded into the file, so the first requests do not read through a log of every seeded row.
        with contextlib.closing(sqlite3.connect(sqlite_path(database))) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    # As a database in use would be: visibility maps set (index-only scans), statistics fresh, and no
    # autovacuum of millions of new rows starting in the middle of a measurement.
    subprocess.run(["psql", *PG, "-d", database, "-qc", "VACUUM (ANALYZE)"], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database: str) -> dict[str, str]:
    """Production mode on the loopback address: DEBUG off, the default hosts (127.0.0.1, localhost)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS", "HTTPS", "SECRET_KEY")}
    env.update(DATABASE_URL=database_url(database), DJANGO_SETTINGS_MODULE="poverty.settings")
    return env


@contextlib.contextmanager
def gunicorn(database: str, *, workers: int = 3, timeout: int = 30, port: int = 0) -> Iterator[str]:
    """The README's production command on a free loopback port; yields the base URL, stops the server after."""
    env = server_env(database)
    # DEBUG off serves hashed static names from the manifest, which only collectstatic writes.
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    port = port or free_port()
    log = open(ROOT / "bench" / "out" / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed below)
    command = [PY, "-m", "gunicorn", "poverty.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", str(timeout)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log.name}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def login_form(html: str, page_url: str):
    from tests.pageforms import forms_in

    return next(f for f in forms_in(html, page_url) if f.method == "post" and "username" in f.names())


def sign_in(session, base: str, username: str) -> None:
    """Sign in through the login form (its CSRF token and cookie), as a browser does; `session` is a
    requests.Session."""
    page = session.get(urljoin(base, "/accounts/login/"), timeout=60)
    page.raise_for_status()
    form = login_form(page.text, page.url)
    form["username"] = username
    form["password"] = PASSWORD
    response = session.post(
        urljoin(base, form.target()), data=form.data(), headers={"Referer": page.url}, allow_redirects=False, timeout=60
    )
    if response.status_code != 302 or urlsplit(response.headers["Location"]).path.startswith("/accounts/login"):
        raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")


def machine_note() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)"


def cpu_mark():
    import psutil

    return psutil.cpu_times()


def busy_since(mark) -> str:
    """How busy the whole machine was since `mark` (everyone's work: this benchmark's and other sessions')."""
    import psutil

    now = psutil.cpu_times()
    total = sum(now) - sum(mark)
    idle = (now.idle + now.iowait) - (mark.idle + mark.iowait)
    return f"CPU {100 * (1 - idle / total):.0f} % busy on average" if total > 0 else ""


def write_section(doc: Path, title: str, intro: str, subsection: str, key: str) -> None:
    """Put `subsection` (starting "### <key> ...") into the `title` section of `doc`, replacing the subsection
    with the same key and keeping the others; the section is appended at the end when missing."""
    text = doc.read_text()
    start = text.find("\n" + title + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n"
        start = len(text)
        text += "\n" + intro
    start += 1
    end = text.find("\n## ", start)
    end = len(text) if end < 0 else end + 1
    parts = text[start:end].split("\n### ")
    kept = ["### " + p.strip("\n") + "\n" for p in parts[1:] if not p.startswith(key)]
    body = "\n".join([intro.strip("\n") + "\n", *kept, subsection.strip("\n") + "\n"])
    doc.write_text(text[:start] + body + ("\n" + text[end:] if end < len(text) else ""))
